// What the parent gives a consumer-group worker (worker.ts) and what the worker reports back.

export interface WorkerConfig {
  readonly workerId: string;
  readonly streamName: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly redisUrl: string;
  readonly keyPrefix: string;
  /** Consumer group (RedisCheckpointer name). */
  readonly group: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** checkpoint() batching: write after this many items or this many ms. */
  readonly checkpointBatchSize: number;
  readonly checkpointIntervalMs: number;
  /** Time the handler takes per item, in ms (default 0: as long as the report takes). */
  readonly handlerDelayMs?: number;
  /** The consumer's in-flight budget in records (maxQueueSize; default: the library's). */
  readonly maxQueueSize?: number;
  /**
   * The handler checks the record's abortSignal after its work and drops an aborted item: no
   * report, not passed to checkpoint() (default false: every item handed over is processed).
   */
  readonly abortAware?: boolean;
  /** The consumer's maxShardConsumers (default: no cap). */
  readonly maxShardConsumers?: number;
  /** Read with enhanced fan-out (SubscribeToShard) as this stream consumer (default: polling). */
  readonly enhancedFanOut?: { readonly consumerName: string };
  /** Keep leases in this DynamoDB lease table instead of Redis (failover time = sessionTimeoutMs). */
  readonly dynamodb?: {
    readonly endpoint: string;
    readonly tableName: string;
    /** A KCL multi-stream table: the stream's identifier. */
    readonly streamIdentifier?: string;
  };
}

/** A ConsumerEvent with its error as text (IPC carries JSON). */
export interface WorkerEvent {
  type: string;
  shardId?: string;
  error?: string;
  [key: string]: string | number | boolean | readonly string[] | object | undefined;
}

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'item';
      readonly shardId: string;
      readonly sequenceNumber: string;
      readonly id: number;
      /** Date.now() in the worker when it reported the item (the parent receives it later). */
      readonly sentAt: number;
    }
  | {
      readonly kind: 'event';
      readonly event: WorkerEvent;
      /** Date.now() in the worker when it sent the event. */
      readonly sentAt: number;
    }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'stopped' };
