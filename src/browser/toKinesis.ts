import { tap, type OperatorFunction } from 'rxjs';
import { toKinesis as nodeToKinesis } from '../operators/toKinesis.js';
import type { DeliveryReport } from '../producer/DeliveryReport.js';
import { browserProducerOptions, type BrowserToKinesisOptions } from './browserProducerOptions.js';
import { HiddenPageFlush } from './HiddenPageFlush.js';

/**
 * toKinesis() for the browser: the same operator (batching, per-shard rate limits, retries,
 * delivery reports, overflow policies), with the browser's defaults (a 10,000-item / 4 MiB
 * queue, no give-up deadline while offline, retry back-off up to 10 s) and a flush when the page
 * is hidden (and, while it stays hidden, once each item is in). Requests go through fetch; give
 * `region` and `credentials` (a provider such as fromCognitoIdentityPool) or a `client`. Options
 * are validated when toKinesis() is called; the page is listened to while the output is subscribed.
 */
export function toKinesis<T>(options: BrowserToKinesisOptions<T>): OperatorFunction<T, DeliveryReport<T>> {
  const pageFlush = new HiddenPageFlush();
  const operator = nodeToKinesis<T>(browserProducerOptions<T>(options, pageFlush.flushOn));
  return (source) =>
    source.pipe(
      tap(() => pageFlush.itemTaken()),
      operator,
    );
}
