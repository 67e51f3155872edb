import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * The stream consumer (enhanced fan-out) did not become ACTIVE within `activationTimeoutMs`
 * after it was registered or found. Retriable: the same consumer may start later.
 */
export class StreamConsumerNotActiveError extends RxjsKinesisError {
  readonly consumer: string;
  /** The last status seen (CREATING, DELETING), when known. */
  readonly status: string | undefined;
  readonly waitedMs: number;

  constructor(
    consumer: string,
    status: string | undefined,
    waitedMs: number,
    streamName: string,
    cause?: unknown,
  ) {
    super(
      `stream consumer ${consumer} of stream ${streamName} is not ACTIVE after ${waitedMs} ms${status === undefined ? '' : ` (status ${status})`}`,
      { retriable: true, context: { streamName }, ...(cause === undefined ? {} : { cause }) },
    );
    this.consumer = consumer;
    this.status = status;
    this.waitedMs = waitedMs;
  }
}
