import type { PreparedItem } from '../../src/producer/OutgoingRecord.js';
import { ProducerMetrics } from '../../src/producer/ProducerMetrics.js';
import { ProducerQueue } from '../../src/producer/ProducerQueue.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import { resolveProducerOptions } from '../../src/producer/resolveProducerOptions.js';

const MiB = 1024 * 1024;

function queueOf(options: Partial<ProducerOptions<string>> = {}): ProducerQueue<string> {
  return new ProducerQueue<string>(
    resolveProducerOptions<string>({ streamName: 'orders', ...options }),
    new ProducerMetrics(),
    { report: () => undefined, fatal: () => undefined },
  );
}

/** Accepts items of `size` bytes until the queue has no room; returns how many. */
function fill(queue: ProducerQueue<string>, size: number): number {
  let count = 0;
  while (queue.hasRoomFor(size)) {
    const item = { item: 'x', index: count, data: new Uint8Array(0), partitionKey: 'k' } as const;
    queue.admit({ ...item, explicitHashKey: undefined, size, itemCount: 1, seq: 0 } as PreparedItem<string>);
    count += 1;
  }
  return count;
}

describe('ProducerQueue bounds', () => {
  it('holds 64 MiB by default, and 2 MiB per open shard past 32 shards', () => {
    expect(fill(queueOf(), MiB) * MiB).toBe(64 * MiB);
    const few = queueOf();
    few.sizeFor(4);
    expect(fill(few, MiB) * MiB).toBe(64 * MiB);
    const many = queueOf();
    many.sizeFor(64);
    expect(fill(many, MiB) * MiB).toBe(128 * MiB);
  });

  it('holds 20,000 items per open shard by default, at least 100,000', () => {
    const few = queueOf();
    few.sizeFor(2);
    expect(fill(few, 10)).toBe(100_000);
    const many = queueOf();
    many.sizeFor(8);
    expect(fill(many, 10)).toBe(160_000);
  });

  it('keeps bounds that were given, whatever the shard count', () => {
    const given = queueOf({ maxQueueBytes: 8 * MiB, maxQueueSize: 1000 });
    given.sizeFor(64);
    expect(fill(given, MiB) * MiB).toBe(8 * MiB);
    const items = queueOf({ maxQueueBytes: 8 * MiB, maxQueueSize: 1000 });
    items.sizeFor(64);
    expect(fill(items, 10)).toBe(1000);
  });
});
