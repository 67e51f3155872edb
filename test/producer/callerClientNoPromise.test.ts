// A client of the caller's own whose send() answers with something that is no promise (nothing,
// or a thenable whose then() throws): the call fails as a thrown send() does, retried up to
// retryLimit, and close() ends, where the call stayed in flight for ever.
import { ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

const kinesis = useTestKinesis();

const answers: [string, () => unknown][] = [
  ['nothing', () => undefined],
  [
    'a thenable whose then() throws',
    () => ({
      then: () => {
        throw new Error('then() broke');
      },
    }),
  ],
];

/** `client`, whose calls of `command` answer with what `answer` makes; others go through. */
function answering(
  client: KinesisClient,
  command: typeof PutRecordsCommand | typeof ListShardsCommand,
  answer: () => unknown,
) {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const answerOf = (sent: unknown, options?: unknown): unknown =>
    sent instanceof command ? answer() : send(sent, options);
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? answerOf : (Reflect.get(target, property, receiver) as unknown),
  });
}

describe.each([
  ['PutRecords', PutRecordsCommand],
  ['ListShards', ListShardsCommand],
] as const)('a client whose %s answers', (_, command) => {
  it.each(answers)(
    'with %s: the items fail with DeliveryFailedError and close() ends',
    async (__, answer) => {
      const streamName = uniqueStreamName('nopromise');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      const producer = new Producer<number>({
        streamName,
        client: answering(client, command, answer),
        partitionKey: 'k',
        bufferTime: 10,
        retryLimit: 1,
        expoBackoff: 10,
      });
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      for (const id of [0, 1, 2]) await producer.put(id).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      // Generous on a loaded machine; before, the call never ended and close() waited for ever.
      const closed = await Promise.race([
        producer.close().then(
          () => 'resolved',
          (error: unknown) => error,
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve('close() still waiting after 30 s'), 30_000);
        }),
      ]);
      clearTimeout(timer);
      if (typeof closed === 'string') await producer.close({ abort: true }).catch(() => undefined);
      client.destroy();
      expect(closed).not.toBe('close() still waiting after 30 s');
      expect(reports.map((report) => report.status)).toEqual(['failed', 'failed', 'failed']);
      for (const report of reports) {
        if (report.status === 'failed') expect(report.error).toBeInstanceOf(DeliveryFailedError);
      }
    },
  );
});
