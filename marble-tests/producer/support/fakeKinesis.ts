// A tiny in-memory stand-in for the two Kinesis calls the producer makes (ListShards, PutRecords),
// answering on an RxJS scheduler so marble tests run in virtual time. Integration behaviour is
// tested against the embedded Kinesis in test/; this fake exists only because a real server
// cannot run in virtual time.
import {
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsResultEntry,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { SchedulerLike } from 'rxjs';
import { MAX_HASH_KEY } from '../../../src/kinesis/hashKey.js';
import { ShardMap } from '../../../src/kinesis/ShardMap.js';

export interface FakeRecord {
  readonly partitionKey: string;
  readonly data: string;
  /** The data as sent (`data` is it read as UTF-8). */
  readonly bytes: Uint8Array;
  readonly explicitHashKey?: string;
  /** Shard the record was stored in, or the error code it was answered with. */
  readonly outcome: string;
}

export interface FakeCall {
  readonly time: number;
  readonly records: FakeRecord[];
}

/** Decides the answer to one entry: undefined to store it, or an ErrorCode. */
export type EntryFault = (entry: {
  partitionKey: string;
  data: string;
  attempt: number;
  call: number;
}) => string | undefined;

export interface FakeKinesisOptions {
  readonly shards?: number;
  /** Virtual milliseconds from request to answer (default 10). */
  readonly latencyMs?: number;
  /** Virtual milliseconds before ListShards answers (default 0). */
  readonly listLatencyMs?: number;
  readonly entryFault?: EntryFault;
  /** Fails a whole PutRecords call (by its 0-based number, or the data it carries) with this error. */
  readonly requestFault?: (call: number, data: readonly string[]) => Error | undefined;
  /** Fails ListShards with this error. */
  readonly listShardsFault?: () => Error | undefined;
}

export function evenShards(count: number, prefix = 'shardId-'): Shard[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    ShardId: `${prefix}${String(i).padStart(12, '0')}`,
    HashKeyRange: {
      StartingHashKey: String(width * BigInt(i)),
      EndingHashKey: String(i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n),
    },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

export class FakeKinesis {
  readonly calls: FakeCall[] = [];
  listShardsCalls = 0;
  /** PutRecords calls made and not yet answered. */
  putRecordsInFlight = 0;
  /** The most PutRecords calls unanswered at once. */
  mostPutRecordsInFlight = 0;
  /** Shards ListShards lists; PutRecords routes by `routing` (change it to simulate a resharding). */
  listed: Shard[];
  routing: ShardMap;
  private sequence = 0;
  private readonly attempts = new Map<string, number>();
  readonly client: KinesisClient;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly options: FakeKinesisOptions = {},
  ) {
    this.listed = evenShards(options.shards ?? 1);
    this.routing = ShardMap.fromShards(this.listed);
    this.client = { send: (command: unknown) => this.send(command) } as unknown as KinesisClient;
  }

  /** Records stored, in the order they were stored. */
  get stored(): FakeRecord[] {
    return this.calls.flatMap((call) =>
      call.records.filter((record) => record.outcome.startsWith('shardId')),
    );
  }

  private send(command: unknown): PromiseLike<unknown> {
    const latency = this.options.latencyMs ?? 10;
    if (command instanceof ListShardsCommand) {
      this.listShardsCalls += 1;
      const fault = this.options.listShardsFault?.();
      return this.later(this.options.listLatencyMs ?? 0, fault, () => ({ Shards: this.listed }));
    }
    if (command instanceof PutRecordsCommand) {
      const callNumber = this.calls.length;
      const time = this.scheduler.now();
      const entries = command.input.Records ?? [];
      const fault = this.options.requestFault?.(
        callNumber,
        entries.map((entry) => Buffer.from(entry.Data ?? new Uint8Array()).toString('utf8')),
      );
      const records: FakeRecord[] = [];
      const answers: PutRecordsResultEntry[] = [];
      for (const entry of entries) {
        const bytes = entry.Data ?? new Uint8Array();
        const data = Buffer.from(bytes).toString('utf8');
        const partitionKey = entry.PartitionKey ?? '';
        const attempt = (this.attempts.get(data) ?? 0) + 1;
        this.attempts.set(data, attempt);
        const code =
          fault === undefined
            ? this.options.entryFault?.({ partitionKey, data, attempt, call: callNumber })
            : 'request-failed';
        const shardId = this.routing.findShard(partitionKey, entry.ExplicitHashKey)?.shardId ?? 'none';
        if (code === undefined) {
          this.sequence += 1;
          answers.push({ ShardId: shardId, SequenceNumber: String(this.sequence) });
          records.push({
            partitionKey,
            data,
            bytes,
            ...(entry.ExplicitHashKey ? { explicitHashKey: entry.ExplicitHashKey } : {}),
            outcome: shardId,
          });
        } else {
          answers.push({ ErrorCode: code, ErrorMessage: `${code} (fake)` });
          records.push({ partitionKey, data, bytes, outcome: code });
        }
      }
      this.calls.push({ time, records });
      const failed = answers.filter((answer) => answer.ErrorCode !== undefined).length;
      this.putRecordsInFlight += 1;
      this.mostPutRecordsInFlight = Math.max(this.mostPutRecordsInFlight, this.putRecordsInFlight);
      return this.later(
        latency,
        fault,
        () => ({ FailedRecordCount: failed, Records: answers }),
        () => {
          this.putRecordsInFlight -= 1;
        },
      );
    }
    return this.later(latency, new Error(`FakeKinesis does not answer ${String(command)}`), () => ({}));
  }

  private later<R>(
    delay: number,
    error: Error | undefined,
    value: () => R,
    answering: () => void = () => undefined,
  ): PromiseLike<R> {
    const scheduler = this.scheduler;
    const thenable = {
      then(onFulfilled?: (value: R) => unknown, onRejected?: (reason: unknown) => unknown) {
        scheduler.schedule(() => {
          answering();
          if (error === undefined) onFulfilled?.(value());
          else onRejected?.(error);
        }, delay);
        return thenable;
      },
    };
    return thenable as unknown as PromiseLike<R>;
  }
}

/** An error shaped like an AWS SDK service exception. */
export function awsError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? 'server' : 'client',
  });
}

/** An error shaped like a dropped connection. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
