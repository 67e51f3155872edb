import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { epochMs } from '../listShardsPage.js';
import type { MutableLocalKinesisStats } from '../LocalKinesisStats.js';
import { toPutEntry } from '../putEntry.js';
import type { JsonObject } from '../UpstreamAnswer.js';
import { listAllShards } from '../upstreamShards.js';
import type { BackingStoreJson } from './BackingStoreJson.js';
import type { EventStreamExchange } from './EventStreamExchange.js';
import {
  exceptionMessage,
  initialResponseMessage,
  subscribeToShardEventMessage,
  type EventPayloadEncoding,
} from './eventStreamMessages.js';
import type { FanOutByteBudget } from './FanOutByteBudget.js';
import type { SubscriptionStart } from './subscriptionStart.js';

/** Most record bytes (data + partition keys) in one event. */
const MAX_EVENT_BYTES = 1024 * 1024;
const MAX_EVENT_RECORDS = 10_000;
/** Most records one read of the backing store asks for (the GetRecords maximum). */
const MAX_READ_RECORDS = 10_000;
/** About how many bytes one read of the backing store brings in (it caps records, not bytes). */
const READ_BYTES = 2 * MAX_EVENT_BYTES;
/** Longest wait between two looks at the budget clock (it may be a test's clock, moved by hand). */
const BUDGET_POLL_MS = 50;

export interface ShardSubscriptionTiming {
  /** The clock of the byte budget (the rate-window clock of the server). */
  readonly clock: () => number;
  /** How long the subscription lasts before the server ends it. */
  readonly lifetimeMs: number;
  /** Longest gap between two events while the shard is idle. */
  readonly idleEventIntervalMs: number;
  /** How often the backing store is read while the subscriber is caught up. */
  readonly pollIntervalMs: number;
}

export interface ShardSubscriptionOptions {
  readonly streamName: string;
  readonly shardId: string;
  readonly consumerName: string;
  readonly store: BackingStoreJson;
  readonly admin: KinesisClient;
  readonly exchange: EventStreamExchange;
  readonly start: SubscriptionStart;
  readonly budget: FanOutByteBudget | undefined;
  readonly timing: ShardSubscriptionTiming;
  readonly stats: MutableLocalKinesisStats;
  /** The message of the ResourceInUseException that ends the stream when a newer subscription takes over. */
  readonly takenOverMessage: string;
  /** Asked before each event: whether to drop the connection instead, or to fall silent. */
  readonly faultBeforeEvent: () => 'drop' | 'silence' | undefined;
  /** How the messages' payloads are encoded (as the SubscribeToShard call was). */
  readonly encoding: EventPayloadEncoding;
  /** Marks the records of an event before it is sent (those written encrypted: EncryptionType KMS). */
  readonly markRecords?: (records: readonly JsonObject[]) => void;
}

export type SubscriptionEnd =
  'lifetime' | 'shard-end' | 'client-left' | 'dropped' | 'taken-over' | 'closed' | 'failed';

/**
 * One SubscribeToShard subscription: reads its shard from the backing store on its own
 * iterator and pushes SubscribeToShardEvents (Records, ContinuationSequenceNumber,
 * MillisBehindLatest; ChildShards in the last event of a closed shard), an empty one at least
 * every `idleEventIntervalMs`, within the byte budget, never faster than the client reads, until
 * its lifetime is over.
 */
export class ShardSubscription {
  /** Resolves with why the subscription ended, once it has. */
  readonly ended: Promise<SubscriptionEnd>;
  private stopReason: SubscriptionEnd | undefined;
  private silent = false;
  private wake: (() => void) | undefined;
  private readonly lifetimeTimer: NodeJS.Timeout;
  /** When the subscription started, on the rate-window clock. */
  readonly startedAt: number;

  constructor(private readonly options: ShardSubscriptionOptions) {
    this.startedAt = options.timing.clock();
    this.lifetimeTimer = setTimeout(() => this.stop('lifetime'), options.timing.lifetimeMs);
    void options.exchange.closed.then(() => this.stop('client-left'));
    this.ended = this.run()
      .catch((): SubscriptionEnd => {
        // Only the response itself can fail here (a client gone before the head was written).
        options.exchange.abort();
        return 'failed';
      })
      .finally(() => clearTimeout(this.lifetimeTimer));
  }

  get streamName(): string {
    return this.options.streamName;
  }

  get shardId(): string {
    return this.options.shardId;
  }

  get consumerName(): string {
    return this.options.consumerName;
  }

  /** Ends the subscription: cleanly ('lifetime', 'closed') or by dropping its connection ('dropped'). */
  stop(reason: SubscriptionEnd): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    if (reason === 'dropped') {
      this.options.stats.injectedSubscriptionDrops += 1;
      this.options.exchange.dropConnection();
    }
    this.wake?.();
  }

  /** From now on, sends nothing and keeps the stream open (a half-open subscription). */
  silence(): void {
    if (this.silent || this.stopReason !== undefined) return;
    this.silent = true;
    this.options.stats.injectedSilentSubscriptions += 1;
    this.wake?.();
  }

  private async run(): Promise<SubscriptionEnd> {
    const { exchange, store, start, budget, timing, stats } = this.options;
    let iterator = start.iterator;
    let continuation = start.continuation;
    const buffer: JsonObject[] = [...start.pending];
    let millisBehind = 0;
    /** Records per read: sized from the last read's record size, so a read holds about READ_BYTES. */
    let readLimit = 100;
    /** Whether the last read was cut by the limit (more records may wait in the store). */
    let readFull = false;
    let lastEventAt = Number.NEGATIVE_INFINITY;
    exchange.start();
    await exchange.send(initialResponseMessage(this.options.encoding));
    try {
      while (this.stopReason === undefined) {
        if (this.silent) {
          // Half-open: nothing more is sent; the client has to notice the silence.
          await this.sleep(timing.lifetimeMs);
          continue;
        }
        if (buffer.length === 0 && iterator !== undefined) {
          const page = await store.call('GetRecords', { ShardIterator: iterator, Limit: readLimit });
          if (this.stopReason !== undefined) break;
          if (page.status === 400 && page.body.__type === 'ExpiredIteratorException') {
            iterator = await this.iteratorAfter(continuation);
            continue;
          }
          if (page.status !== 200) {
            // The stream or shard gone (deleted meanwhile) is told as such; anything else as a failure.
            const notFound = page.body.__type === 'ResourceNotFoundException';
            await exchange.send(
              notFound
                ? exceptionMessage(
                    'ResourceNotFoundException',
                    String(page.body.message ?? ''),
                    this.options.encoding,
                  )
                : exceptionMessage(
                    'InternalFailureException',
                    'Internal service failure.',
                    this.options.encoding,
                  ),
            );
            return this.finish('failed');
          }
          const read = (Array.isArray(page.body.Records) ? page.body.Records : []) as JsonObject[];
          buffer.push(...read);
          readFull = read.length >= readLimit;
          if (read.length > 0) {
            const readBytes = read.reduce((sum, record) => sum + (toPutEntry(record)?.bytes ?? 0), 0);
            const perRecord = Math.max(1, readBytes / read.length);
            readLimit = Math.max(1, Math.min(MAX_READ_RECORDS, Math.floor(READ_BYTES / perRecord)));
          }
          iterator =
            typeof page.body.NextShardIterator === 'string' ? page.body.NextShardIterator : undefined;
          millisBehind = typeof page.body.MillisBehindLatest === 'number' ? page.body.MillisBehindLatest : 0;
        }
        if (buffer.length > 0 && budget !== undefined) {
          const waitMs = budget.waitMs(timing.clock());
          if (waitMs > 0) {
            stats.fanOutThrottledWaits += 1;
            await this.sleep(Math.min(waitMs, BUDGET_POLL_MS));
            continue;
          }
        }
        const allowance = Math.min(MAX_EVENT_BYTES, budget?.available(timing.clock()) ?? MAX_EVENT_BYTES);
        const records: JsonObject[] = [];
        let bytes = 0;
        while (buffer.length > 0 && records.length < MAX_EVENT_RECORDS) {
          const size = toPutEntry(buffer[0])?.bytes ?? 0;
          if (records.length > 0 && bytes + size > allowance) break;
          records.push(buffer.shift()!);
          bytes += size;
        }
        const shardEnd = iterator === undefined && buffer.length === 0;
        const now = Date.now();
        if (records.length === 0 && !shardEnd && now - lastEventAt < timing.idleEventIntervalMs) {
          await this.sleep(Math.min(timing.pollIntervalMs, lastEventAt + timing.idleEventIntervalMs - now));
          continue;
        }
        // Silenced while this event was being made: it is not sent.
        if (this.silent) continue;
        const fault = this.options.faultBeforeEvent();
        if (fault === 'drop') {
          this.stop('dropped');
          break;
        }
        if (fault === 'silence') {
          this.silence();
          continue;
        }
        if (records.length > 0) {
          continuation = String(records[records.length - 1]!.SequenceNumber);
          this.options.markRecords?.(records);
        }
        const event: JsonObject = { Records: records, MillisBehindLatest: millisBehind };
        // Records not sent yet (read, or left in the store): behind by the age of the next one.
        const next = buffer[0] ?? (readFull ? records[records.length - 1] : undefined);
        const nextArrival = next === undefined ? undefined : epochMs(next.ApproximateArrivalTimestamp);
        if (nextArrival !== undefined) {
          event.MillisBehindLatest = Math.max(millisBehind, Math.max(0, now - nextArrival));
        }
        if (shardEnd) {
          // Nothing is left to read behind the end of a closed shard (kinesalite counts the time
          // since the shard closed).
          event.MillisBehindLatest = 0;
          event.ChildShards = await this.childShards();
        } else event.ContinuationSequenceNumber = continuation;
        budget?.consume(timing.clock(), bytes);
        lastEventAt = now;
        stats.fanOutEvents += 1;
        stats.fanOutRecords += records.length;
        stats.fanOutBytes += bytes;
        await exchange.send(subscribeToShardEventMessage(event, this.options.encoding));
        if (shardEnd) return this.finish('shard-end');
      }
    } catch {
      if (this.stopReason === undefined) {
        await exchange.send(
          exceptionMessage('InternalFailureException', 'Internal service failure.', this.options.encoding),
        );
        return this.finish('failed');
      }
    }
    if (this.stopReason === 'taken-over' && !this.silent) {
      // A newer subscription took this one over: Kinesis ends the old stream with this exception.
      await exchange.send(
        exceptionMessage('ResourceInUseException', this.options.takenOverMessage, this.options.encoding),
      );
    }
    return this.finish(this.stopReason ?? 'closed');
  }

  private finish(reason: SubscriptionEnd): SubscriptionEnd {
    this.stopReason ??= reason;
    // A silenced stream stays open (silent) after its end, until the client leaves.
    if (reason !== 'dropped' && !this.silent) this.options.exchange.end();
    return reason;
  }

  private async iteratorAfter(sequenceNumber: string): Promise<string | undefined> {
    const answer = await this.options.store.call('GetShardIterator', {
      StreamName: this.options.streamName,
      ShardId: this.options.shardId,
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: sequenceNumber,
    });
    if (typeof answer.body.ShardIterator !== 'string') throw new Error('no iterator');
    return answer.body.ShardIterator;
  }

  /** The shards that continue this closed one, as Kinesis names them in the last event. */
  private async childShards(): Promise<JsonObject[]> {
    const shards = await listAllShards(this.options.admin, this.options.streamName);
    const { shardId } = this.options;
    return shards
      .filter((child) => child.ParentShardId === shardId || child.AdjacentParentShardId === shardId)
      .map((child) => ({
        ShardId: child.ShardId,
        ParentShards: [child.ParentShardId, child.AdjacentParentShardId].filter(
          (id): id is string => typeof id === 'string',
        ),
        HashKeyRange: child.HashKeyRange,
      }));
  }

  /** Waits `ms`, or less if stopped or silenced meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }
}
