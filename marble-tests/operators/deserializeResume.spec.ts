// deserialize() holds a record's items back once maxItemsAhead of them are ahead of checkpoint()
// and goes on when earlier ones settle. A settlement happens inside the emission of a later
// stage (a bufferTime() letting a batch go into checkpoint()); going on right there fed items
// back into that stage while it was emitting: bufferTime() lost them (it has no open buffer at
// that moment), nothing ever settled them, and the pipeline waited forever.
import { bufferTime, concatMap, filter, from, map, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type RecordHandle } from '../../src/consumer/RecordTracking.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';

/** A reading as deserialize() sees it: items settle when the test's checkpoint stand-in says so. */
class FakeReading {
  done = 0;
  private waiter: (() => void) | undefined;

  handle(): RecordHandle {
    const reading = {
      skipped: () => undefined,
      itemsDecoded: () => undefined,
      itemsDone: () => this.done,
      whenSettled: (callback: () => void) => {
        this.waiter = callback;
        return () => (this.waiter = undefined);
      },
    } as unknown as RecordHandle['reading'];
    return { reading, ledger: { id: 1 } as unknown as RecordHandle['ledger'] };
  }

  /** What checkpoint() does for an item of the record: it and the items before it are done. */
  passed(item: KinesisItem<unknown>): void {
    this.done = Math.max(this.done, item.subSequenceNumber + 1);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

function record(reading: FakeReading, items: number): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
    partitionKey: 'k',
    data: Buffer.from(Array.from({ length: items }, (_, i) => `${i}\n`).join('')),
    approximateArrivalTimestamp: new Date(0),
    [RECORD_HANDLE]: reading.handle(),
  };
}

test('items held back by maxItemsAhead reach a bufferTime() batch stage and all get through', () => {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
    ({ cold, expectObservable }) => {
      const reading = new FakeReading();
      const out = cold('a', { a: record(reading, 30) }).pipe(
        deserialize(jsonLineProcessor(), { maxItemsAhead: 10 }),
        bufferTime(5, null, 20),
        filter((batch) => batch.length > 0),
        concatMap((batch) => from(batch)),
        tap((item) => reading.passed(item)),
        map((item) => item.data as number),
        bufferTime(100),
        filter((batch) => batch.length > 0),
      );
      expectObservable(out, '^ 150ms !').toBe('100ms a', {
        a: Array.from({ length: 30 }, (_, i) => i),
      });
    },
  );
});
