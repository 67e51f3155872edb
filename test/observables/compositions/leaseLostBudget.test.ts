// Case: a lease is lost while its records still sit in a slow pipeline (a handler that does not
// check abortSignal finishes them). Those records are still in memory, so they must keep
// counting towards maxQueueSize until they pass checkpoint(): before, the loss gave their budget
// back at once, the other shards read that much more, and the pipeline held up to twice the
// bound (more with every further loss).
import {
  concatMap,
  EMPTY,
  firstValueFrom,
  from,
  map,
  type Observable,
  take,
  tap,
  timer,
  toArray,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  LeaseLostError,
  MemoryCheckpointer,
  type KinesisItem,
  type Lease,
} from '../../../src/index.js';
import { numberedRecords, putTestRecords } from '../../consumer/putTestRecords.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** A MemoryCheckpointer that refuses to renew the leases of the shards named in `losing`. */
class LosingCheckpointer extends MemoryCheckpointer {
  readonly losing = new Set<string>();

  override async renewLease(lease: Lease): Promise<Lease> {
    if (this.losing.has(lease.shardId)) {
      throw new LeaseLostError({
        streamName: lease.streamName,
        shardId: lease.shardId,
        expectedOwner: lease.owner,
      });
    }
    return super.renewLease(lease);
  }
}

test('records of a lost lease still in the pipeline keep counting towards maxQueueSize', async () => {
  const streamName = uniqueStreamName('lost-budget');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, numberedRecords(3000));
  client.destroy();

  const maxQueueSize = 100;
  const leaseDurationMs = 1500;
  const checkpointer = new LosingCheckpointer({ leaseDurationMs });
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    maxQueueSize,
  });
  let emitted = 0;
  let processed = 0;
  let maxAhead = 0;
  let lostShard: string | undefined;
  let lostAt: number | undefined;
  const lost: string[] = [];
  consumer.events$.subscribe((event) => {
    if (event.type !== 'lease-lost' || event.shardId === undefined) return;
    lost.push(event.shardId);
    if (event.shardId === lostShard) lostAt ??= Date.now();
  });
  // The lost records hold their budget for one lease duration after the loss (then a handler
  // still working on them no longer holds the other shards back: see the README). On a loaded
  // machine this slow pipeline can take longer than that to work through them, so the bound is
  // checked while the hold lasts (timers fire late, never early; 200 ms for the event to arrive).
  const holding = () => lostAt === undefined || Date.now() < lostAt + leaseDurationMs - 200;
  const items = await firstValueFrom(
    consumer.pipe(
      tap(() => {
        emitted += 1;
        if (holding()) maxAhead = Math.max(maxAhead, emitted - processed);
      }),
      deserialize<number>(),
      // 3 ms of work per item, and the handler does not look at abortSignal: the records of a
      // lost lease are processed all the same.
      concatMap((item) => timer(3).pipe(map(() => item))),
      tap((item) => {
        processed += 1;
        // With both shards read and the pipeline full, lose the first item's shard.
        if (processed === 150 && lostShard === undefined) {
          lostShard = item.shardId;
          checkpointer.losing.add(item.shardId);
        }
      }),
      checkpoint({ batchSize: 20 }),
      take(900),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(items).toHaveLength(900);
  expect(lost).toContain(lostShard);
  expect(maxAhead).toBeLessThanOrEqual(maxQueueSize);
  expect(consumer.stats().peakInFlight).toBeLessThanOrEqual(maxQueueSize);
});

test('a handler that drops the records of a lost lease (abortSignal) does not stall the consumer: their budget comes back', async () => {
  const streamName = uniqueStreamName('lost-dropped');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, numberedRecords(3000));
  client.destroy();

  const maxQueueSize = 100;
  const leaseDurationMs = 1500;
  const checkpointer = new LosingCheckpointer({ leaseDurationMs });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer, maxQueueSize });
  let lostShard: string | undefined;
  let lostAt: number | undefined;
  const lost = new Promise<void>((resolve) =>
    consumer.events$.subscribe((event) => {
      if (event.type === 'lease-lost' && event.shardId === lostShard) {
        lostAt ??= Date.now();
        resolve();
      }
    }),
  );
  let emitted = 0;
  let processed = 0;
  let dropped = 0;
  let maxAhead = 0;
  // The lost records hold their budget for one lease duration after the loss; then it comes back
  // whether or not the handler has reached them yet (see the README). On a loaded machine the
  // handler may still hold some of them then, which the count below would take for records read
  // ahead: the bound is checked while the hold lasts, as in the case above.
  const holding = () => lostAt === undefined || Date.now() < lostAt + leaseDurationMs - 200;
  // An abort-aware handler: the records of a lost lease are dropped unprocessed, without reaching
  // checkpoint(); nothing else settles them.
  const handle = (item: KinesisItem<number>): Observable<KinesisItem<number>> => {
    if (item.record.abortSignal?.aborted === true) {
      dropped += 1;
      return EMPTY;
    }
    return timer(3).pipe(map(() => item));
  };
  const items = await firstValueFrom(
    consumer.pipe(
      tap(() => {
        emitted += 1;
        if (holding()) maxAhead = Math.max(maxAhead, emitted - processed - dropped);
      }),
      deserialize<number>(),
      concatMap((item) => {
        if (lostShard !== undefined || processed < 150) return handle(item);
        // With the pipeline full, this item's shard loses its lease; the handler waits for the
        // loss, so this item (and its shard's others still queued) are dropped.
        lostShard = item.shardId;
        checkpointer.losing.add(item.shardId);
        return from(lost).pipe(concatMap(() => handle(item)));
      }),
      tap(() => {
        processed += 1;
      }),
      checkpoint({ batchSize: 20 }),
      take(900),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(items).toHaveLength(900);
  expect(dropped).toBeGreaterThan(0);
  expect(maxAhead).toBeLessThanOrEqual(maxQueueSize);
});
