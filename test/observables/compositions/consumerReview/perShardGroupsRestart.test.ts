// Case: the KCL-like shape, one checkpoint() per shard group, run by a consumer unsubscribed in
// the middle of the stream (each group's checkpoint() torn down with work under way) and then
// restarted from the checkpointer's state: `groupBy(shardId)` + `mergeMap` with concatMap()
// work in each group; the same with checkpoint({ mode: 'concurrent' }) per group, its work
// finishing out of order. Every record is handled at least once, no position is ever written
// ahead of a record not yet handled, and each shard's last record ends up stored.
import { concatMap, delay, groupBy, map, mergeMap, of, timer } from 'rxjs';
import { checkpoint } from '../../../../src/index.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { restartMidStream, type Pipeline } from './support/restartMidStream.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();

const shapes: ReadonlyArray<{ name: string; pipeline: Pipeline }> = [
  {
    name: 'groupBy(shardId) + concatMap(work) + checkpoint() per group',
    pipeline: (handle) => (items) =>
      items.pipe(
        groupBy((item) => item.shardId),
        mergeMap((group) =>
          group.pipe(
            concatMap((item) =>
              timer(item.data % 3 === 0 ? 15 : 5).pipe(
                map(() => {
                  handle(item);
                  return item;
                }),
              ),
            ),
            checkpoint({ intervalMs: 20, batchSize: 3 }),
          ),
        ),
      ),
  },
  {
    name: 'groupBy(shardId) + concurrent checkpoint() per group',
    pipeline: (handle) => (items) =>
      items.pipe(
        groupBy((item) => item.shardId),
        mergeMap((group) =>
          group.pipe(
            checkpoint({
              mode: 'concurrent',
              concurrency: 4,
              intervalMs: 20,
              batchSize: 3,
              // Later items often finish first: every third one takes longer.
              process: (item) => of(item).pipe(delay(item.data % 3 === 0 ? 30 : 5), map(handle)),
            }),
          ),
        ),
      ),
  },
];

test.each(shapes)(
  '$name: a run stopped mid-stream and a restart handle every record, no write ahead',
  async ({ name, pipeline }) => {
    const outcome = await restartMidStream(kinesis, name, pipeline);
    expect(outcome.handledByFirst).toBeLessThan(120);
    expect(outcome.errors).toEqual([]);
    expect(outcome.writes).toBeGreaterThan(0);
    expect(outcome.writesAhead).toEqual([]);
    expect(outcome.shardsNotAtEnd).toEqual([]);
  },
);
