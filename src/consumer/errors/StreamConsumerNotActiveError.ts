import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * The stream consumer (enhanced fan-out) did not become ACTIVE within `activationTimeoutMs`
 * after it was registered or found, or is gone (status `not found`: deregistered, or with its
 * stream; `waitedMs` 0 when found gone while reading). Retriable (the same consumer may start
 * later), except for a `consumerArn` whose consumer is DELETING or not found, at the start or
 * confirmed while reading (`retriable` false): an ARN names one registration, which never turns
 * ACTIVE again.
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
    retriable = true,
  ) {
    super(describe(consumer, status, waitedMs, streamName, retriable), {
      retriable,
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
  retriable: boolean,
): string {
  const which = `stream consumer ${consumer} of stream ${streamName}`;
  // Found gone at once or after a wait, it reads the same (no "not ACTIVE after 0 ms").
  if (status === 'not found') {
    const after = waitedMs === 0 ? '' : ` after ${waitedMs} ms`;
    const gone = `${which} does not exist${after} (status not found: deregistered, or its stream deleted)`;
    return retriable
      ? gone
      : `${gone}; an ARN names one registration: register a new one (its consumerArn changes) or ` +
          'give enhancedFanOut.consumerName to have it registered';
  }
  if (status === 'DELETING' && !retriable)
    return (
      `${which} is being deleted (status DELETING): it never turns ACTIVE again; register a new ` +
      'one (its consumerArn changes) or give enhancedFanOut.consumerName to have it registered'
    );
  return `${which} is not ACTIVE after ${waitedMs} ms${status === undefined ? '' : ` (status ${status})`}`;
}
