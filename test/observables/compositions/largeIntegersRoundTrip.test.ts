// Case: items holding integers beyond 2^53 (64-bit ids, as Python and other languages write them),
// written by toKinesis() and read by fromKinesis() + deserialize() with the JSON processors'
// `largeIntegers: 'bigint'`, through the embedded Kinesis: every id comes back exact, as a
// bigint, on the producer's and the consumer's text paths (JSON lines) and byte paths (KPL).
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import {
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  kplJsonProcessor,
  toKinesis,
  type Processor,
} from '../../../src/index.js';
import { exactIntegersSupported } from '../../../src/processors/serializers/exactIntegers.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

interface Event {
  readonly id: bigint;
  readonly n: number;
  readonly ratio: number;
}

const processors: [string, () => Processor<Event>][] = [
  ['JSON lines', () => jsonLineProcessor<Event>({ largeIntegers: 'bigint' })],
  ['KPL', () => kplJsonProcessor<Event>({ largeIntegers: 'bigint' })],
];

// Node 20 has no JSON source text access (the option is refused there; see jsonLargeIntegers.test.ts).
(exactIntegersSupported() ? test.each : test.skip.each)(processors)(
  '%s: every 64-bit id written is read back exact',
  async (_name, processor) => {
    const streamName = uniqueStreamName('large-integers');
    await kinesis.createStream(streamName, 2);
    const events: Event[] = Array.from({ length: 500 }, (_, n) => ({
      id: 2n ** 63n - 1n - BigInt(n) * 1_000_003n,
      n,
      ratio: n === 0 ? 2 ** 60 : n / 3,
    }));
    const client = kinesis.createClient();
    const reports = await lastValueFrom(
      from(events).pipe(toKinesis<Event>({ streamName, client, processor: processor() }), toArray()),
    );
    client.destroy();
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);

    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), processor: processor() });
    try {
      const items = await firstValueFrom(consumer.pipe(deserialize<Event>(), take(events.length), toArray()));
      const read = items.map((item) => item.data).sort((a, b) => a.n - b.n);
      expect(read).toEqual(events);
      expect(typeof read[0]?.id).toBe('bigint');
      expect(read[0]?.ratio).toBe(2 ** 60);
    } finally {
      await consumer.stopped();
    }
  },
);
