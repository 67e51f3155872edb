import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { DeliveryReport } from './DeliveryReport.js';

/** What the engine tells its owner (the toKinesis() operator or a Producer). */
export interface ProducerEngineHooks<T> {
  /** Every accepted item ends here exactly once, as delivered or failed. */
  report(report: DeliveryReport<T>): void;
  /** Items left the queue, or a call answered: there may be room for more (see ProducerEngine.sendBound). */
  spaceAvailable?(): void;
  /**
   * The first shard map came while a put() waited for it (see ProducerEngine.mapBound): it may
   * come in now, up to the queue's bounds, whatever the calls (they have only just started).
   */
  shardMapArrived?(): void;
  /** Something outside the items failed (afterFlush threw, or an internal error). */
  fatal(error: RxjsKinesisError): void;
}
