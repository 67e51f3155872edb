// Writing and splitting test streams, polling for outcomes, and checking that every stored
// position covers only records the test's handlers processed.
import {
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { SpiedWrite } from './spyCheckpointer.js';

export interface WrittenRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly data: string;
}

/** Writes `data` values (partition key `key-<i % keys>`) in order; returns where each landed. */
export async function putRecords(
  client: KinesisClient,
  streamName: string,
  data: readonly string[],
  keys = 16,
): Promise<WrittenRecord[]> {
  const written: WrittenRecord[] = [];
  for (let i = 0; i < data.length; i += 500) {
    const batch = data.slice(i, i + 500);
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: batch.map((value, j) => ({
          PartitionKey: `key-${(i + j) % keys}`,
          Data: Buffer.from(value),
        })),
      }),
    );
    if ((output.FailedRecordCount ?? 0) > 0)
      throw new Error(`PutRecords failed for ${output.FailedRecordCount} records`);
    (output.Records ?? []).forEach((entry, j) =>
      written.push({
        shardId: entry.ShardId ?? '',
        sequenceNumber: entry.SequenceNumber ?? '',
        data: batch[j] as string,
      }),
    );
  }
  return written;
}

/** `count` JSON numbers from `offset`, as strings. */
export function numbers(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => String(offset + i));
}

export async function waitActive(client: KinesisClient, streamName: string): Promise<void> {
  await waitFor(
    async () => {
      const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      return out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    },
    { timeoutMs: 30_000, message: () => `stream ${streamName} did not become ACTIVE` },
  );
}

/** Splits a shard in the middle of the hash key range (the whole range for shard 0 of a 1-shard stream). */
export async function splitShard(
  client: KinesisClient,
  streamName: string,
  shardId = 'shardId-000000000000',
): Promise<void> {
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: shardId,
      NewStartingHashKey: (2n ** 127n).toString(),
    }),
  );
  await waitActive(client, streamName);
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Says what was awaited and what was seen, for the failure message. */
  readonly message: () => string;
  readonly pollMs?: number;
}

/** Polls `condition` until it holds; rejects with `message()` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${options.timeoutMs} ms: ${options.message()}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}

/** Polls `done` every 20 ms until it holds; rejects naming `what` after `timeoutMs`. */
export function until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  return waitFor(done, { timeoutMs, message: () => `waiting for ${what}` });
}

/** Sequence numbers each handler finished, per shard. */
export class ProcessedLedger {
  private readonly byShard = new Map<string, Set<string>>();

  add(shardId: string, sequenceNumber: string): void {
    let set = this.byShard.get(shardId);
    if (set === undefined) this.byShard.set(shardId, (set = new Set()));
    set.add(sequenceNumber);
  }

  has(shardId: string, sequenceNumber: string): boolean {
    return this.byShard.get(shardId)?.has(sequenceNumber) ?? false;
  }

  /** A copy of what was processed in a shard, for SpyCheckpointer's `snapshot` hook. */
  snapshot(shardId: string): ReadonlySet<string> {
    return new Set(this.byShard.get(shardId));
  }

  get size(): number {
    let size = 0;
    for (const set of this.byShard.values()) size += set.size;
    return size;
  }
}

/**
 * The writes that stored a position (or SHARD_END) ahead of a record not yet processed when the
 * write was made, i.e. what a crash right after that write would lose. Each write's `seen` must
 * be the ledger snapshot(s) taken at the call: one ReadonlySet, or an array of them (one per
 * pipeline that must have processed the record).
 */
export function writesAheadOfProcessing(
  writes: readonly SpiedWrite[],
  written: readonly WrittenRecord[],
): string[] {
  const problems: string[] = [];
  for (const write of writes) {
    const seen = (Array.isArray(write.seen) ? write.seen : [write.seen]) as ReadonlySet<string>[];
    const covered = written.filter(
      (record) =>
        record.shardId === write.shardId &&
        (write.position === 'SHARD_END' ||
          BigInt(record.sequenceNumber) <= BigInt(write.position.sequenceNumber)),
    );
    const unprocessed = covered.filter((record) => seen.some((set) => !set.has(record.sequenceNumber)));
    if (unprocessed.length > 0) {
      const at = write.position === 'SHARD_END' ? 'SHARD_END' : write.position.sequenceNumber;
      problems.push(
        `${write.shardId} stored ${at} while ${unprocessed.length} of its ${covered.length} records ` +
          `were unprocessed (data ${unprocessed.map((r) => r.data).join(',')})`,
      );
    }
  }
  return problems;
}
