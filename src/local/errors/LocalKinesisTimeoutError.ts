import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import type { LocalKinesisOperation } from './LocalKinesisClosedError.js';

/**
 * `createStream()` or `deleteStream()` on the local Kinesis made its request, but the stream did
 * not become ACTIVE (or was not gone) within the wait: 30 s past `streamStatusDelayMs`. Not
 * retriable: the request itself went through, so the same call would now find the stream still
 * there (being created) or already going, and fail.
 */
export class LocalKinesisTimeoutError extends RxjsKinesisError {
  readonly operation: LocalKinesisOperation;
  /** How long the call waited, in ms. */
  readonly waitedMs: number;

  constructor(operation: LocalKinesisOperation, streamName: string, waitedMs: number) {
    const state = operation === 'createStream' ? 'was not ACTIVE' : 'was still there';
    super(`${operation}("${streamName}"): the stream ${state} after ${waitedMs} ms`, {
      retriable: false,
      context: { streamName },
    });
    this.operation = operation;
    this.waitedMs = waitedMs;
  }
}
