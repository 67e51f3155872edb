import type { PreparedItem, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { ProducerMetrics } from '../../src/producer/ProducerMetrics.js';
import { ProducerQueue } from '../../src/producer/ProducerQueue.js';
import { resolveProducerOptions } from '../../src/producer/resolveProducerOptions.js';

/** A small seeded generator (mulberry32), so a failing run replays. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function queueOf(): ProducerQueue<number> {
  return new ProducerQueue<number>(
    resolveProducerOptions<number>({ streamName: 'orders', maxQueueSize: 1_000_000 }),
    new ProducerMetrics(),
    { report: () => undefined, fatal: () => undefined },
  );
}

function prepared(index: number): PreparedItem<number> {
  return {
    item: index,
    index,
    data: new Uint8Array(1),
    partitionKey: 'k',
    explicitHashKey: undefined,
    size: 2,
    itemCount: 1,
    seq: 0,
    flushGroup: undefined,
  };
}

describe('ProducerQueue flush waiters', () => {
  it('are done in the order they came, each once every item accepted before it is settled, none early', () => {
    for (let seed = 1; seed <= 50; seed += 1) {
      const random = seeded(seed);
      const queue = queueOf();
      const unsettled: QueuedItem<number>[] = [];
      const settledIndexes = new Set<number>();
      let accepted = 0;
      /** Each waiter: the items accepted before it, and whether (and in what turn) it was done. */
      const waiters: { upTo: number; doneAt: number | undefined }[] = [];
      const doneOrder: number[] = [];
      let turn = 0;
      let lowestUnsettled = 0;
      const wrong: string[] = [];
      const check = () => {
        while (settledIndexes.has(lowestUnsettled)) lowestUnsettled += 1;
        for (const [k, waiter] of waiters.entries()) {
          // Done exactly when every item it covers is settled: never before, never left waiting.
          const covered = waiter.upTo <= lowestUnsettled;
          if ((waiter.doneAt !== undefined) !== covered)
            wrong.push(`seed ${seed}, turn ${turn}, waiter ${k}`);
        }
      };
      for (let step = 0; step < 400; step += 1) {
        turn += 1;
        const roll = random();
        if (roll < 0.4) {
          unsettled.push(queue.admit(prepared(accepted)));
          accepted += 1;
        } else if (roll < 0.6) {
          const k = waiters.length;
          const waiter = { upTo: accepted, doneAt: undefined as number | undefined };
          waiters.push(waiter);
          queue.addFlush(() => {
            expect(waiter.doneAt).toBeUndefined();
            waiter.doneAt = turn;
            doneOrder.push(k);
          });
        } else if (unsettled.length > 0) {
          // Settle a few items, out of order, in one batch.
          const batch: QueuedItem<number>[] = [];
          for (let n = 1 + Math.floor(random() * 4); n > 0 && unsettled.length > 0; n -= 1) {
            const [item] = unsettled.splice(Math.floor(random() * unsettled.length), 1);
            batch.push(item!);
            settledIndexes.add(item!.index);
          }
          if (random() < 0.5) queue.settle(batch);
          else {
            for (const item of batch) queue.countOut(item);
            queue.settled();
          }
        }
        check();
      }
      expect(wrong).toEqual([]);
      expect(doneOrder).toEqual([...doneOrder].sort((a, b) => a - b));
      expect(queue.items).toBe(unsettled.length);
    }
  });

  it('holds 40,000 waiters, one per item, until the oldest item settles last, then releases all in order', () => {
    const queue = queueOf();
    const items: QueuedItem<number>[] = [];
    const done: number[] = [];
    for (let i = 0; i < 40_000; i += 1) {
      items.push(queue.admit(prepared(i)));
      queue.addFlush(() => done.push(i));
    }
    // Settled newest first: nothing is done until the oldest item settles, then every waiter at once.
    for (let i = items.length - 1; i > 0; i -= 1) queue.settle([items[i]!]);
    expect(done).toEqual([]);
    queue.settle([items[0]!]);
    expect(done).toEqual(Array.from({ length: 40_000 }, (_, i) => i));
  });
});
