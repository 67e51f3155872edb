import { Producer as NodeProducer } from '../producer/Producer.js';
import { browserProducerOptions, type BrowserProducerOptions } from './browserProducerOptions.js';

/**
 * The imperative Producer for the browser: the same engine and API (put, send, flush, close,
 * reports$), with the browser defaults (see toKinesis()), a flush when the page is hidden
 * (its failures reject the next flush() or close(), as any put() item's), and fetch for
 * requests. close() stops listening to the page.
 */
export class Producer<T> extends NodeProducer<T> {
  constructor(options: BrowserProducerOptions<T>) {
    super(browserProducerOptions<T>(options));
  }
}
