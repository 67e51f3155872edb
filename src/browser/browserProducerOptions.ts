import { merge, type Observable } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { validateFlushOn } from '../producer/flushOn.js';
import type { ProducerOptions } from '../producer/ProducerOptions.js';
import type { ToKinesisOptions } from '../producer/ToKinesisOptions.js';
import { pageHidden } from './pageHidden.js';

/** Items a browser producer holds at most (accepted, not yet delivered), unless told otherwise. */
export const BROWSER_MAX_QUEUE_SIZE = 10_000;
/** Bytes a browser producer holds at most, unless told otherwise (at least maxRecordBytes). */
export const BROWSER_MAX_QUEUE_BYTES = 4 * 1024 * 1024;
/** Largest retry delay in a browser, so delivery resumes soon after the network is back. */
export const BROWSER_EXPO_BACKOFF_LIMIT_MS = 10_000;

/** Producer options in a browser. */
export interface BrowserProducerOptions<T> extends ProducerOptions<T> {
  /**
   * Send what is buffered as soon as the page is hidden (`pagehide`, `visibilitychange` to
   * hidden), with fetch keepalive for requests up to 60 KiB. Best effort: a browser may still
   * discard a page before its requests are sent or answered. Default true.
   */
  readonly flushOnPageHide?: boolean | undefined;
}

/** toKinesis() options in a browser. */
export interface BrowserToKinesisOptions<T> extends ToKinesisOptions<T>, BrowserProducerOptions<T> {}

const atLeast = (value: unknown, floor: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(value, floor) : floor;

/**
 * The options with the defaults that differ in a browser, and the page-hide flush trigger
 * (`pageFlush`, pageHidden() unless given): a smaller queue (a page's memory), no deadline on
 * connection failures (a device goes offline for minutes; the bounded queue and the overflow
 * policy decide what happens meanwhile) and a shorter retry back-off ceiling. Options the caller
 * gives win; they are validated as usual.
 */
export function browserProducerOptions<T>(
  options: BrowserToKinesisOptions<T>,
  pageFlush: Observable<unknown> = pageHidden(),
): ToKinesisOptions<T> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { streamName }');
  }
  const { flushOnPageHide = true, ...rest } = options;
  if (typeof flushOnPageHide !== 'boolean') {
    throw new InvalidOptionError('flushOnPageHide', flushOnPageHide, 'expected true or false');
  }
  // Checked before it is merged with the page's events, as the Node producer checks it.
  const given = validateFlushOn(rest.flushOn);
  const flushOn = !flushOnPageHide ? given : given === undefined ? pageFlush : merge(pageFlush, given);
  // Only an option not given takes the browser default: a null is refused as the Node entry refuses it.
  const orDefault = <V>(value: V | undefined, fallback: V): V => (value === undefined ? fallback : value);
  return {
    ...rest,
    maxQueueSize: orDefault(rest.maxQueueSize, BROWSER_MAX_QUEUE_SIZE),
    maxQueueBytes: orDefault(rest.maxQueueBytes, atLeast(rest.maxRecordBytes, BROWSER_MAX_QUEUE_BYTES)),
    connectionFailureTimeout: orDefault(rest.connectionFailureTimeout, Number.POSITIVE_INFINITY),
    expoBackoffLimit: orDefault(
      rest.expoBackoffLimit,
      atLeast(rest.expoBackoff, BROWSER_EXPO_BACKOFF_LIMIT_MS),
    ),
    ...(flushOn === undefined ? {} : { flushOn }),
  };
}
