// An enhanced fan-out consumer looks the stream's ARN up with DescribeStreamSummary to register
// its stream consumer; the stream's creation time (which stream of its name it reads) comes in
// the same answer. One question at start, not two: DescribeStreamSummary is limited to 20 calls
// a second per account, shared by every worker starting.
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords } from '../../support/streamRecords.js';
import { http2Client } from '../../local/fanOutClient.js';
import { fanOutOptions, fromKinesis, readCount, startFanOutKinesis } from './fanOutSupport.js';

jest.setTimeout(60_000);

let kinesis: LocalKinesis;
let admin: KinesisClient;

beforeAll(async () => {
  kinesis = await startFanOutKinesis();
  admin = kinesis.createClient();
});

afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

/** `client`, counting the DescribeStreamSummary calls it sends. */
function counting(client: KinesisClient): { client: KinesisClient; describes: () => number } {
  let describes = 0;
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const sending = (command: unknown, options?: unknown): Promise<unknown> => {
    if (command instanceof DescribeStreamSummaryCommand) describes += 1;
    return send(command, options);
  };
  const proxy = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? sending : (Reflect.get(target, property, receiver) as unknown),
  });
  return { client: proxy, describes: () => describes };
}

test('an enhanced fan-out consumer asks DescribeStreamSummary once at start, and knows the creation time', async () => {
  const streamName = uniqueStreamName('efo-summary');
  await kinesis.createStream(streamName, 1);
  await putRecords(admin, streamName, numbers(5));
  const control = kinesis.createClient();
  const subscriptions = http2Client(kinesis);
  const { client, describes } = counting(control);
  const warnings: string[] = [];
  try {
    const consumer = fromKinesis(
      fanOutOptions(kinesis, streamName, 'summary', {
        client,
        enhancedFanOut: { consumerName: 'summary', client: subscriptions },
        checkpointer: new MemoryCheckpointer(),
        logger: {
          debug: () => undefined,
          warn: (line: string) => warnings.push(line),
          error: () => undefined,
        },
      }),
    );
    expect(await readCount(consumer, 5)).toHaveLength(5);
    expect(describes()).toBe(1);
    // The shared answer's creation time was taken: the re-created-stream check is on.
    expect(warnings.filter((line) => line.includes('creation time'))).toEqual([]);
  } finally {
    control.destroy();
    subscriptions.destroy();
  }
});
