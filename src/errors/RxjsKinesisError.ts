/** Where in Kinesis an error happened. Every field is optional: errors fill in what they know. */
export interface ErrorContext {
  readonly streamName?: string;
  readonly shardId?: string;
  readonly sequenceNumber?: string;
  readonly subSequenceNumber?: number;
  /** Position of the offending item in the caller's input, where that applies. */
  readonly itemIndex?: number;
}

export interface RxjsKinesisErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly context?: ErrorContext;
}

/**
 * Base class of every error this library raises. `retriable` tells whether the same call may
 * succeed if repeated later; `context` names the stream, shard and sequence number involved.
 */
export class RxjsKinesisError extends Error {
  readonly retriable: boolean;
  readonly context: ErrorContext;
  override readonly cause?: unknown;

  constructor(message: string, options: RxjsKinesisErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
