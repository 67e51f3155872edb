// A source flooding a full queue: an item the queue cannot take whatever its size (every item slot
// taken, or every byte) is refused before it is serialized and keyed, under both overflow
// policies; one that may fit by its size (item slots and bytes left) is still serialized to tell.
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { QueueFullError } from '../../src/producer/errors/QueueFullError.js';
import type { OverflowPolicy } from '../../src/producer/ToKinesisOptions.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import type { Serializer } from '../../src/processors/Serializer.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

interface Flood {
  readonly reports: DeliveryReport<string>[];
  readonly serialized: string[];
  readonly keyed: number[];
  readonly error?: unknown;
}

/** Text items serialized as their UTF-8 bytes, counting each call. */
function countingSerializer(serialized: string[]): Serializer<string> {
  return {
    name: 'counting',
    serialize: (item) => {
      serialized.push(item);
      return Buffer.from(item, 'utf8');
    },
    deserialize: (bytes) => Buffer.from(bytes).toString('utf8'),
  };
}

function flood(
  items: readonly string[],
  overflow: OverflowPolicy,
  queue: { maxQueueSize?: number; maxQueueBytes?: number },
): Flood {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<string>[] = [];
  const serialized: string[] = [];
  const keyed: number[] = [];
  let error: unknown;
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
    from(items)
      .pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          processor: createProcessor('counting', countingSerializer(serialized), noneAggregator()),
          partitionKey: (_item, index) => {
            keyed.push(index);
            return 'k';
          },
          overflow,
          ...queue,
        }),
      )
      .subscribe({ next: (report) => reports.push(report), error: (caught: unknown) => (error = caught) });
  });
  return { reports, serialized, keyed, error };
}

const MIB = 1024 * 1024;
const QUARTER = MIB / 4;
const range = (count: number) => Array.from({ length: count }, (_, i) => `item-${i}`);

describe('toKinesis(): items refused by a full queue', () => {
  it('drop-newest: with every item slot taken, the refused items are never serialized or keyed', () => {
    const items = range(1000);
    const { reports, serialized, keyed } = flood(items, 'drop-newest', { maxQueueSize: 10 });
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(10);
    const dropped = reports.filter((report) => report.status === 'dropped');
    expect(dropped).toHaveLength(990);
    expect(
      dropped.every((report) => report.status === 'dropped' && report.error instanceof QueueFullError),
    ).toBe(true);
    expect(serialized).toEqual(items.slice(0, 10));
    expect(keyed).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('drop-newest: with every byte taken, the refused items are never serialized', () => {
    // Each item is 256 KiB - 1 bytes of data and a 1-byte key: 4 fill a 1 MiB queue exactly.
    const items = Array.from({ length: 50 }, (_, i) =>
      `${String(i).padStart(4, '0')}`.padEnd(QUARTER - 1, '.'),
    );
    const { reports, serialized } = flood(items, 'drop-newest', { maxQueueSize: 1000, maxQueueBytes: MIB });
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(4);
    expect(reports.filter((report) => report.status === 'dropped')).toHaveLength(46);
    expect(serialized.map((item) => item.slice(0, 4))).toEqual(['0000', '0001', '0002', '0003']);
  });

  it('drop-newest: an item that may fit by its size is serialized to tell, and refused if it does not', () => {
    // Three 300,000-byte items (and 1-byte keys) leave 148,573 bytes of a 1 MiB queue: a fourth
    // does not fit, a small fifth does.
    const items = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(300_000)).concat(['e']);
    const { reports, serialized } = flood(items, 'drop-newest', { maxQueueSize: 100, maxQueueBytes: MIB });
    expect(reports.map((report) => [report.item[0], report.status]).sort()).toEqual([
      ['a', 'delivered'],
      ['b', 'delivered'],
      ['c', 'delivered'],
      ['d', 'dropped'],
      ['e', 'delivered'],
    ]);
    expect(serialized.map((item) => item[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('error: the item refused by a full queue ends the output with its QueueFullError, unserialized', () => {
    const items = range(50);
    const { error, serialized } = flood(items, 'error', { maxQueueSize: 10 });
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).item).toBe('item-10');
    expect(serialized).toEqual(items.slice(0, 10));
  });
});
