import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';

/** What a close({ timeoutMs }) ended by its deadline left, as the abort at the deadline found it. */
export interface CloseTimeoutCounts {
  /** The deadline given, in ms. */
  readonly timeoutMs: number;
  /** Items the abort reported failed (ProducerAbortedError, or their own error). */
  readonly failed: number;
  /** Of `failed`, those Kinesis may have stored (`deliveryUnknown`). */
  readonly deliveryUnknown: number;
  /** Items the abort reported delivered: stored, but held by an afterFlush that had not finished. */
  readonly delivered: number;
  /** put() and send() calls still waiting for room in the queue, refused (they have no report). */
  readonly waitingPuts: number;
}

/**
 * A Producer's `close({ timeoutMs })` did not finish within its deadline: the producer was
 * aborted then, as by `close({ abort: true })`, and the close rejects with this error, even when
 * every item the abort reported was delivered (held only by an `afterFlush` that never settled).
 * Every item has its report on `reports$` (and through its send()); the counts say what the
 * abort found. `cause` is the failure the close would have rejected with otherwise (the first
 * failure of a put() item it covered), if any. Not retriable: the producer is closed.
 */
export class ProducerCloseTimeoutError extends RxjsKinesisError {
  readonly timeoutMs: number;
  readonly failed: number;
  readonly deliveryUnknown: number;
  readonly delivered: number;
  readonly waitingPuts: number;

  constructor(counts: CloseTimeoutCounts, cause: unknown, context: ErrorContext = {}) {
    const { timeoutMs, failed, deliveryUnknown, delivered, waitingPuts } = counts;
    super(
      `The producer did not close within ${timeoutMs} ms and was aborted: ${items(failed)} failed ` +
        `(${deliveryUnknown} of them possibly stored), ${delivered} stored ` +
        `${delivered === 1 ? 'item was' : 'items were'} reported delivered before their afterFlush ` +
        `finished, ${waitingPuts} put() ${waitingPuts === 1 ? 'call' : 'calls'} waiting for room ` +
        `${waitingPuts === 1 ? 'was' : 'were'} refused`,
      { retriable: false, context, ...(cause === undefined ? {} : { cause }) },
    );
    this.timeoutMs = timeoutMs;
    this.failed = failed;
    this.deliveryUnknown = deliveryUnknown;
    this.delivered = delivered;
    this.waitingPuts = waitingPuts;
  }
}

function items(count: number): string {
  return count === 1 ? '1 item' : `${count} items`;
}
