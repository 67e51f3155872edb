import type { ServerResponse } from 'node:http';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, type AwsErrorAnswer } from '../awsErrors.js';
import type { FaultInjector } from '../FaultInjector.js';
import type { LocalKinesisLimits } from '../LocalKinesisLimits.js';
import type { MutableLocalKinesisStats } from '../LocalKinesisStats.js';
import { errorAnswer, type JsonObject, type UpstreamAnswer } from '../UpstreamAnswer.js';
import { listAllShards } from '../upstreamShards.js';
import type { BackingStoreJson } from './BackingStoreJson.js';
import { EventStreamExchange } from './EventStreamExchange.js';
import type { EventPayloadEncoding } from './eventStreamMessages.js';
import { FanOutByteBudget } from './FanOutByteBudget.js';
import {
  anotherSubscription,
  consumerNotActive,
  consumerNotFound,
  shardNotFound,
  subscribeRateExceeded,
} from './fanOutErrors.js';
import type { ResolvedFanOutOptions } from './LocalFanOutOptions.js';
import { ShardSubscription } from './ShardSubscription.js';
import { CONSUMER_OPERATIONS, StreamConsumerOperations } from './StreamConsumerOperations.js';
import { StreamConsumerRegistry, type StreamConsumer } from './StreamConsumerRegistry.js';
import { parseStartingPosition, subscriptionStart } from './subscriptionStart.js';
import { storeShardId } from '../storeShardId.js';
import { validationOf } from '../modelValidation.js';
import { subscribeToShardViolations } from './fanOutRequestModel.js';

/** An open SubscribeToShard subscription, as the test hooks see it. */
export interface SubscriptionInfo {
  readonly streamName: string;
  readonly consumerName: string;
  readonly shardId: string;
}

/** Which subscriptions a test hook acts on; omitted fields match every subscription. */
export interface SubscriptionFilter {
  readonly streamName?: string;
  readonly consumerName?: string;
  readonly shardId?: string;
}

export interface EnhancedFanOutOptions {
  readonly store: BackingStoreJson;
  readonly admin: KinesisClient;
  readonly stats: MutableLocalKinesisStats;
  /** Clock of the rate windows (SubscribeToShard calls per second, bytes per second). */
  readonly clock: () => number;
  readonly limits: Required<LocalKinesisLimits> | undefined;
  readonly efo: ResolvedFanOutOptions;
  readonly faults: FaultInjector;
  /** Drops the connection that carries a response, as a network failure would. */
  readonly dropConnection: (res: ServerResponse) => void;
  /** Marks records as they leave for a subscriber (those written encrypted: EncryptionType KMS). */
  readonly markRecords?: (streamName: string, records: readonly JsonObject[]) => void;
}

/**
 * Enhanced fan-out served by the front: the stream consumer operations, and SubscribeToShard
 * with one active subscription per consumer and shard, at most `subscribeToShardCallsPerSecond`
 * calls per consumer and shard (with limits on), a byte budget per consumer and shard, the
 * subscription lifetime, and the dropped and silent subscription faults.
 */
export class EnhancedFanOut {
  private readonly registry: StreamConsumerRegistry;
  private readonly operations: StreamConsumerOperations;
  /** Active subscriptions by consumer ARN and shard. */
  private readonly active = new Map<string, ShardSubscription>();
  /** SubscribeToShard call times (rate window) by consumer ARN and shard. */
  private readonly calls = new Map<string, number[]>();
  private readonly budgets = new Map<string, FanOutByteBudget>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly options: EnhancedFanOutOptions) {
    this.registry = new StreamConsumerRegistry(options.efo.consumerStatusDelayMs, Date.now);
    this.operations = new StreamConsumerOperations({
      registry: this.registry,
      store: options.store,
      maxConsumersPerStream: options.efo.maxConsumersPerStream,
      maxCreatingConsumers: options.limits?.maxCreatingConsumers,
      onDeregister: (consumer) => this.endSubscriptions(consumer),
    });
  }

  /** Whether the front answers `operation` here (the stream consumer operations). */
  answers(operation: string): boolean {
    return CONSUMER_OPERATIONS.has(operation);
  }

  answer(operation: string, payload: JsonObject): Promise<UpstreamAnswer> {
    return this.operations.answer(operation, payload);
  }

  /**
   * SubscribeToShard: an error answer for the caller to send, or undefined once the event
   * stream has started on `res` (it then runs until its end).
   */
  async subscribe(
    res: ServerResponse,
    payload: JsonObject,
    encoding: EventPayloadEncoding = 'json',
  ): Promise<UpstreamAnswer | undefined> {
    const refusal = await this.start(res, payload, encoding);
    if (refusal === undefined) return undefined;
    this.options.stats.fanOutRefusedSubscriptions += 1;
    return errorAnswer(refusal);
  }

  /** The open subscriptions matching `filter` (silent ones included). */
  subscriptions(filter: SubscriptionFilter = {}): SubscriptionInfo[] {
    return this.matching(filter).map(({ streamName, consumerName, shardId }) => ({
      streamName,
      consumerName,
      shardId,
    }));
  }

  /** Drops the connection of every matching subscription; returns how many there were. */
  dropSubscriptions(filter: SubscriptionFilter = {}): number {
    const matching = this.matching(filter);
    for (const subscription of matching) subscription.stop('dropped');
    return matching.length;
  }

  /** Makes every matching subscription fall silent (half-open); returns how many there were. */
  silenceSubscriptions(filter: SubscriptionFilter = {}): number {
    const matching = this.matching(filter);
    for (const subscription of matching) subscription.silence();
    return matching.length;
  }

  /** Forgets a stream's consumers and ends their subscriptions (it was deleted or created anew). */
  /** How many consumers are registered with a stream (DescribeStreamSummary's ConsumerCount). */
  consumerCount(streamName: string): number {
    return this.registry.list(streamName).length;
  }

  /** Whether a stream consumer with this ARN is registered. */
  hasConsumer(consumerArn: string): boolean {
    return this.registry.findByArn(consumerArn) !== undefined;
  }

  forgetStream(streamName: string): void {
    for (const consumer of this.registry.list(streamName)) this.endSubscriptions(consumer);
    for (const subscription of this.active.values()) {
      if (subscription.streamName === streamName) subscription.stop('closed');
    }
    this.registry.forgetStream(streamName);
  }

  /** Ends every subscription; resolves once they have all ended. */
  async close(): Promise<void> {
    for (const subscription of this.active.values()) subscription.stop('closed');
    await Promise.all([...this.running]);
  }

  private matching(filter: SubscriptionFilter): ShardSubscription[] {
    return [...this.active.values()].filter(
      (subscription) =>
        (filter.streamName === undefined || subscription.streamName === filter.streamName) &&
        (filter.consumerName === undefined || subscription.consumerName === filter.consumerName) &&
        (filter.shardId === undefined || subscription.shardId === filter.shardId),
    );
  }

  /** Ends the subscriptions of a deregistered consumer and forgets its rate windows. */
  private endSubscriptions(consumer: StreamConsumer): void {
    const prefix = `${consumer.consumerArn}\u0000`;
    for (const [key, subscription] of this.active) {
      if (key.startsWith(prefix)) subscription.stop('closed');
    }
    for (const map of [this.calls, this.budgets]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  private async start(
    res: ServerResponse,
    payload: JsonObject,
    encoding: EventPayloadEncoding,
  ): Promise<AwsErrorAnswer | undefined> {
    const { limits, clock, store, admin, stats, efo } = this.options;
    // The model check first, every broken member in one ValidationException.
    const broken = subscribeToShardViolations(payload);
    if (broken.length > 0) return validationOf(broken);
    const arn = payload.ConsumerARN as string;
    const givenShardId = payload.ShardId as string;
    // "shardId-1" and "1" name shardId-000000000001, as GetShardIterator reads them.
    const shardId = storeShardId(givenShardId) ?? givenShardId;
    const position = parseStartingPosition(payload.StartingPosition);
    if ('status' in position) return position;
    const consumer = this.registry.findByArn(arn);
    if (consumer === undefined) return consumerNotFound(arn);
    const { streamName, consumerName } = consumer;
    if (this.registry.status(consumer) !== 'ACTIVE') {
      return consumerNotActive(consumerName, Math.floor(consumer.createdAt / 1000), streamName);
    }
    const key = `${consumer.consumerArn}\u0000${shardId}`;
    if (limits !== undefined) {
      const now = clock();
      const calls = (this.calls.get(key) ?? []).filter((at) => at > now - 1000);
      this.calls.set(key, calls);
      if (calls.length >= limits.subscribeToShardCallsPerSecond) {
        return subscribeRateExceeded(streamName, shardId, consumerName);
      }
      calls.push(now);
    }
    // An open subscription is taken over by a call at least `takeoverAfterMs` after it started.
    const current = this.active.get(key);
    if (current !== undefined && clock() - current.startedAt < efo.takeoverAfterMs) {
      return anotherSubscription(streamName, shardId, consumerName);
    }
    let shardStart: string | undefined;
    try {
      const shard = (await listAllShards(admin, streamName)).find(
        (candidate) => candidate.ShardId === shardId,
      );
      shardStart = shard?.SequenceNumberRange?.StartingSequenceNumber;
    } catch (error) {
      return answerOfSdkError(error);
    }
    if (shardStart === undefined) return shardNotFound(streamName, shardId);
    // Checked again after each wait: a call racing this one may have started meanwhile.
    const raced = (): boolean => {
      const now = this.active.get(key);
      return now !== undefined && now !== current;
    };
    if (raced()) return anotherSubscription(streamName, shardId, consumerName);
    const start = await subscriptionStart(store, streamName, shardId, shardStart, position, Date.now());
    if ('status' in start) return start;
    if (raced()) return anotherSubscription(streamName, shardId, consumerName);
    if (current !== undefined && this.active.get(key) === current) {
      current.stop('taken-over');
      stats.fanOutTakenOverSubscriptions += 1;
    }
    let budget: FanOutByteBudget | undefined;
    if (limits !== undefined) {
      budget = this.budgets.get(key);
      if (budget === undefined) {
        budget = new FanOutByteBudget(limits.fanOutBytesPerSecond);
        this.budgets.set(key, budget);
      }
    }
    const subscription = new ShardSubscription({
      streamName,
      shardId,
      consumerName,
      store,
      admin,
      exchange: new EventStreamExchange(res, this.options.dropConnection),
      start,
      budget,
      timing: {
        clock,
        lifetimeMs: efo.subscriptionLifetimeMs,
        idleEventIntervalMs: efo.idleEventIntervalMs,
        pollIntervalMs: efo.pollIntervalMs,
      },
      stats,
      takenOverMessage: anotherSubscription(streamName, shardId, consumerName).message,
      faultBeforeEvent: () => this.options.faults.subscriptionFault(),
      encoding,
      markRecords: (records) => this.options.markRecords?.(streamName, records),
    });
    stats.fanOutSubscriptions += 1;
    this.active.set(key, subscription);
    const ended = subscription.ended.finally(() => {
      if (this.active.get(key) === subscription) this.active.delete(key);
      this.running.delete(ended);
    });
    this.running.add(ended);
    return undefined;
  }
}
