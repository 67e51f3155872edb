/** What the local server has done so far. */
export interface LocalKinesisStats {
  /** Requests passed on to the backing store (or answered by the endpoint from what it lists). */
  readonly forwardedRequests: number;
  /** PutRecords entries accepted (stored) while limits or faults were on. */
  readonly acceptedPutEntries: number;
  /** PutRecords entries answered with ProvisionedThroughputExceededException. */
  readonly throttledPutEntries: number;
  /** PutRecord calls answered with ProvisionedThroughputExceededException. */
  readonly throttledPutRecordCalls: number;
  /** GetRecords calls answered with ProvisionedThroughputExceededException. */
  readonly throttledGetRecordsCalls: number;
  /** GetShardIterator calls answered with ProvisionedThroughputExceededException. */
  readonly throttledGetShardIteratorCalls: number;
  /** Control-plane calls (DescribeStream, ListShards, ...) answered with LimitExceededException for their rate. */
  readonly throttledControlPlaneCalls: number;
  /** Requests refused for breaking a request limit (record count or size). */
  readonly rejectedRequests: number;
  /** PutRecords entries answered with an injected InternalFailure. */
  readonly injectedInternalFailures: number;
  /** Requests answered with an injected HTTP 500. */
  readonly injectedServerErrors: number;
  /** Connections destroyed on purpose before the request was carried out. */
  readonly injectedConnectionResets: number;
  /** Requests read and never answered. */
  readonly injectedBlackHoles: number;
  /** Requests carried out whose connection was then destroyed instead of answered. */
  readonly injectedResetsAfterWrite: number;
  /** SubscribeToShard calls that started a subscription. */
  readonly fanOutSubscriptions: number;
  /** SubscribeToShard calls refused (ResourceInUseException, LimitExceededException, ...). */
  readonly fanOutRefusedSubscriptions: number;
  /** Open subscriptions ended because a newer SubscribeToShard of the same consumer and shard took over. */
  readonly fanOutTakenOverSubscriptions: number;
  /** SubscribeToShardEvents sent. */
  readonly fanOutEvents: number;
  /** Records sent in SubscribeToShardEvents. */
  readonly fanOutRecords: number;
  /** Record bytes (data + partition key) sent in SubscribeToShardEvents. */
  readonly fanOutBytes: number;
  /** Times a subscription waited for its 2 MiB/s budget to refill. */
  readonly fanOutThrottledWaits: number;
  /** Subscriptions whose connection was dropped on purpose mid-stream. */
  readonly injectedSubscriptionDrops: number;
  /** Subscriptions made to fall silent (half-open) on purpose. */
  readonly injectedSilentSubscriptions: number;
}

export type MutableLocalKinesisStats = { -readonly [K in keyof LocalKinesisStats]: number };

export function emptyLocalKinesisStats(): MutableLocalKinesisStats {
  return {
    forwardedRequests: 0,
    acceptedPutEntries: 0,
    throttledPutEntries: 0,
    throttledPutRecordCalls: 0,
    throttledGetRecordsCalls: 0,
    throttledGetShardIteratorCalls: 0,
    throttledControlPlaneCalls: 0,
    rejectedRequests: 0,
    injectedInternalFailures: 0,
    injectedServerErrors: 0,
    injectedConnectionResets: 0,
    injectedBlackHoles: 0,
    injectedResetsAfterWrite: 0,
    fanOutSubscriptions: 0,
    fanOutRefusedSubscriptions: 0,
    fanOutTakenOverSubscriptions: 0,
    fanOutEvents: 0,
    fanOutRecords: 0,
    fanOutBytes: 0,
    fanOutThrottledWaits: 0,
    injectedSubscriptionDrops: 0,
    injectedSilentSubscriptions: 0,
  };
}
