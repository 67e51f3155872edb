// Case: items batched for their work and flattened again before checkpoint(): bufferTime() with
// a count, and windowTime() with every window subscribed at once (mergeMap(toArray()), as the
// README asks of window operators), each batch handled asynchronously (items of two shards mixed
// in one batch), then `mergeMap(batch => from(batch))` into checkpoint() with a small batchSize
// and interval. The run is unsubscribed in the middle of the stream (batches still at work) and a
// new consumer resumes from the checkpointer's state: every record is handled at least once, and
// no position is ever written ahead of a record whose batch was not finished.
import {
  bufferTime,
  concatMap,
  from,
  map,
  mergeMap,
  timer,
  toArray,
  windowTime,
  type OperatorFunction,
} from 'rxjs';
import { checkpoint } from '../../../../src/index.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { restartMidStream, type Item, type Pipeline } from './support/restartMidStream.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();

/** Batches items, handles each batch after a short wait, hands every item on to checkpoint(). */
function batched(batch: OperatorFunction<Item, Item[]>): Pipeline {
  return (handle) => (items) =>
    items.pipe(
      batch,
      concatMap((items) =>
        timer(15).pipe(
          map(() => {
            items.forEach(handle);
            return items;
          }),
        ),
      ),
      mergeMap((items) => from(items)),
      checkpoint({ intervalMs: 20, batchSize: 5 }),
    );
}

const shapes: ReadonlyArray<{ name: string; batch: OperatorFunction<Item, Item[]> }> = [
  { name: 'bufferTime(30, null, 7)', batch: bufferTime(30, null, 7) },
  {
    name: 'windowTime(40) + mergeMap(toArray())',
    batch: (items) =>
      items.pipe(
        windowTime(40),
        mergeMap((window) => window.pipe(toArray())),
      ),
  },
];

test.each(shapes)(
  '$name: a run stopped mid-stream and a restart handle every record, no write ahead',
  async ({ name, batch }) => {
    const outcome = await restartMidStream(kinesis, name, batched(batch));
    expect(outcome.handledByFirst).toBeLessThan(120);
    expect(outcome.errors).toEqual([]);
    expect(outcome.writes).toBeGreaterThan(0);
    expect(outcome.writesAhead).toEqual([]);
    expect(outcome.shardsNotAtEnd).toEqual([]);
  },
);
