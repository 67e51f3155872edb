import { Producer as NodeProducer } from '../producer/Producer.js';
import type { DeliveredReport } from '../producer/DeliveryReport.js';
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

  override put(item: T): Promise<number> {
    const accepted = super.put(item);
    this.pageFlush.itemTaken();
    return accepted;
  }

  override putAll(items: Iterable<T>): Promise<number> {
    const { pageFlush } = this;
    // Each item is in once the next one is asked for (or the iterable ends): told as put()'s are.
    function* taken(): Generator<T, void, undefined> {
      for (const item of items) {
        yield item;
        pageFlush.itemTaken();
      }
    }
    return super.putAll(taken());
  }

  override send(item: T): Promise<DeliveredReport<T>> {
    const sent = super.send(item);
    this.pageFlush.itemTaken();
    return sent;
  }
}
