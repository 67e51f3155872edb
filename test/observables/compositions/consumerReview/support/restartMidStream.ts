// A consumer pipeline run twice over one stream: the first run unsubscribed in the middle of the
// stream, the second (a new fromKinesis() on the same checkpointer) run until every record was
// handled. What a test then checks: every record handled, no position written ahead of a record
// not yet handled, each shard's last record stored.
import type { OperatorFunction } from 'rxjs';
import { deserialize, fromKinesis, MemoryCheckpointer, type KinesisItem } from '../../../../../src/index.js';
import type { TestKinesis } from '../../../../support/kinesis.js';
import { uniqueStreamName } from '../../../../support/kinesis.js';
import { pollingConnection } from '../../../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../../../support/streamRecords.js';

export type Item = KinesisItem<number>;

/** Handling done by a pipeline: `handle` marks an item processed (call it when its work is done). */
export type Pipeline = (handle: (item: Item) => void) => OperatorFunction<Item, unknown>;

export interface RestartOutcome {
  /** Items handled by the first run, out of `count`. */
  readonly handledByFirst: number;
  readonly errors: readonly unknown[];
  /** Writes that stored a position ahead of a record not yet handled. */
  readonly writesAhead: readonly string[];
  readonly writes: number;
  /** Shards whose stored position is not their last record. */
  readonly shardsNotAtEnd: readonly string[];
}

export async function restartMidStream(
  kinesis: TestKinesis,
  name: string,
  pipeline: Pipeline,
  { shards = 2, count = 120 }: { shards?: number; count?: number } = {},
): Promise<RestartOutcome> {
  const streamName = uniqueStreamName(name.replace(/[^a-z]+/gi, '-'));
  await kinesis.createStream(streamName, shards);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(count));
  client.destroy();
  const ledger = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => ledger.snapshot(shardId),
  });
  const handled = new Set<number>();
  const handle = (item: Item): void => {
    ledger.add(item.shardId, item.sequenceNumber);
    handled.add(item.data);
  };
  const errors: unknown[] = [];
  const run = () => {
    // 10 records per call and shard: the first run stops with records left to read.
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      recordLimit: 10,
      checkpointer,
    });
    const subscription = consumer
      .pipe(deserialize<number>(), pipeline(handle))
      .subscribe({ error: (error: unknown) => errors.push(error) });
    return { consumer, subscription };
  };

  const first = run();
  try {
    await waitFor(() => handled.size >= count / 3, {
      timeoutMs: 30_000,
      message: () => `${handled.size} handled in the first run`,
    });
  } finally {
    first.subscription.unsubscribe();
    await first.consumer.stopped();
  }
  const handledByFirst = handled.size;

  const second = run();
  try {
    await waitFor(() => handled.size === count || errors.length > 0, {
      timeoutMs: 40_000,
      message: () => `${handled.size} of ${count} handled (${handledByFirst} in the first run)`,
    });
  } finally {
    second.subscription.unsubscribe();
    await second.consumer.stopped();
  }
  const shardsNotAtEnd: string[] = [];
  for (const shardId of new Set(written.map((record) => record.shardId))) {
    const last = written.filter((record) => record.shardId === shardId).at(-1);
    const stored = await checkpointer.getCheckpoint(streamName, shardId);
    if (stored?.kind !== 'position' || stored.position.sequenceNumber !== last?.sequenceNumber)
      shardsNotAtEnd.push(shardId);
  }
  return {
    handledByFirst,
    errors,
    writesAhead: writesAheadOfProcessing(checkpointer.writes, written),
    writes: checkpointer.writes.length,
    shardsNotAtEnd,
  };
}
