// Case: "exhaustMap" semantics (drop what arrives while an item is at work) before checkpoint(),
// written as the README suggests: `checkpointFilter(() => !busy)` before a `concatMap` whose work
// sets `busy` while it runs. The drops are reported, so the records a parent shard ends with,
// dropped while its first record was at work, do not hold back its SHARD_END: the parent is
// marked done and its children are read. (A plain exhaustMap drops them unseen: they would hold
// the parent's position and SHARD_END until a later record of the parent passed, which never
// comes.)
import { concatMap, tap, type Subscription } from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, splitShard, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const PARENT = 'shardId-000000000000';

test('drops reported by checkpointFilter() while busy: the parent ends with SHARD_END and its children are read', async () => {
  const streamName = uniqueStreamName('exhaust-reported');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const parent = await putRecords(client, streamName, numbers(6));
  await splitShard(client, streamName);
  const children = await putRecords(client, streamName, numbers(4, 6));
  client.destroy();

  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    shardRefreshInterval: 200,
  });
  const arrived: KinesisRecord[] = [];
  const handled: string[] = [];
  let busy = false;
  const lastParent = parent[parent.length - 1]?.sequenceNumber;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        tap((record) => arrived.push(record)),
        checkpointFilter(() => !busy),
        concatMap(async (record) => {
          busy = true;
          try {
            if (handled.length === 0)
              await waitFor(() => arrived.some((seen) => seen.sequenceNumber === lastParent), {
                timeoutMs: 20_000,
                message: () => `the parent's last record did not arrive (${arrived.length} arrived)`,
              });
            else await Promise.resolve();
            handled.push(record.sequenceNumber);
          } finally {
            busy = false;
          }
          return record;
        }),
        checkpoint({ intervalMs: 0 }),
      )
      .subscribe();
    await waitFor(async () => (await checkpointer.getCheckpoint(streamName, PARENT))?.kind === 'shard-end', {
      timeoutMs: 30_000,
      message: () => `no SHARD_END for the parent (handled ${handled.length})`,
    });
    // The children are read: their records arrive.
    await waitFor(
      () =>
        children.every((child) => arrived.some((record) => record.sequenceNumber === child.sequenceNumber)),
      { timeoutMs: 30_000, message: () => `${arrived.length} records arrived` },
    );
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
  }
  // Only the first parent record was handled; the other five were dropped while it was at work.
  expect(handled.filter((sequenceNumber) => parent.some((r) => r.sequenceNumber === sequenceNumber))).toEqual(
    [parent[0]?.sequenceNumber],
  );
});
