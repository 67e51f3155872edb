import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * The stream consumer (enhanced fan-out) did not become ACTIVE within `activationTimeoutMs`
 * after it was registered or found, or is gone (status `not found`, `waitedMs` 0: deregistered
 * while reading, or with its stream). Retriable: the same consumer may start later.
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
    super(describe(consumer, status, waitedMs, streamName), {
      retriable: true,
      context: { streamName },
      ...(cause === undefined ? {} : { cause }),
    });
    this.consumer = consumer;
    this.status = status;
    this.waitedMs = waitedMs;
  }
}

function describe(
  consumer: string,
  status: string | undefined,
  waitedMs: number,
  streamName: string,
): string {
  const which = `stream consumer ${consumer} of stream ${streamName}`;
  // Found gone, not waited for: "not ACTIVE after 0 ms" would read as a wait that never happened.
  if (status === 'not found' && waitedMs === 0)
    return `${which} does not exist (status not found: deregistered, or its stream deleted)`;
  return `${which} is not ACTIVE after ${waitedMs} ms${status === undefined ? '' : ` (status ${status})`}`;
}
