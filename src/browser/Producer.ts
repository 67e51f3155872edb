import { itemAcceptedHook } from '../producer/itemAcceptedHook.js';
import { Producer as NodeProducer } from '../producer/Producer.js';
import { browserProducerOptions, type BrowserProducerOptions } from './browserProducerOptions.js';
import { HiddenPageFlush } from './HiddenPageFlush.js';

/**
 * The imperative Producer for the browser: the same engine and API (put, putAll, send, flush,
 * close, reports$), with the browser defaults (see toKinesis()), a flush when the page is hidden
 * (and, while it stays hidden, once each put(), putAll() or send() item is in; its failures
 * reject the next flush() or close(), as any put() item's), and fetch for requests. close()
 * stops listening to the page.
 */
export class Producer<T> extends NodeProducer<T> {
  private readonly pageFlush: HiddenPageFlush;

  constructor(options: BrowserProducerOptions<T>) {
    const pageFlush = new HiddenPageFlush();
    super(browserProducerOptions<T>(options, pageFlush.flushOn));
    this.pageFlush = pageFlush;
  }

  /** Told as each item is in (not as it is given: one may wait for room while the page hides). */
  protected override [itemAcceptedHook](): void {
    this.pageFlush.itemTaken();
  }
}
