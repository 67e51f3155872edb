import { REDACTED_ERROR, redactError, redactText } from './redact.js';
import { withoutJsonInput } from './withoutJsonInput.js';

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
 *
 * No secret travels in one: URL user info and the input V8 quotes in a JSON.parse message
 * (withoutJsonInput) are redacted from the message, and a `cause` (given here or assigned later)
 * is kept only as a redacted copy when it carries request data such as ioredis's command
 * arguments or the text of an answer the AWS SDK could not read (see redactError).
 */
export class RxjsKinesisError extends Error {
  readonly retriable: boolean;
  readonly context: ErrorContext;
  declare readonly cause?: unknown;
  declare readonly [REDACTED_ERROR]: true;

  constructor(message: string, options: RxjsKinesisErrorOptions = {}) {
    super(withoutJsonInput(redactText(message)));
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

// Every assignment of `cause` (in the constructor, or `Object.assign(error, { cause })` later)
// goes through redactError and lands as an own, non-enumerable property, as Error's own does.
Object.defineProperty(RxjsKinesisError.prototype, 'cause', {
  configurable: true,
  enumerable: false,
  get: () => undefined,
  set(this: RxjsKinesisError, value: unknown) {
    Object.defineProperty(this, 'cause', {
      value: redactError(value),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  },
});
Object.defineProperty(RxjsKinesisError.prototype, REDACTED_ERROR, { value: true, enumerable: false });
