import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeItems } from './DeliveryFailedError.js';
import type { FailedItem } from './FailedItem.js';

/**
 * The producer was closed with `close({ abort: true })`, or its `close({ timeoutMs })` deadline
 * passed (or a toKinesis() subscription ended with `flushOnUnsubscribe: false`), before these
 * items were delivered; `items` are the items with their indexes, `context.shardId` the shard
 * they were predicted for (absent when the shard map was not loaded yet, or the item was still
 * waiting for room in the queue).
 *
 * `deliveryUnknown` is true for items Kinesis may have stored: their PutRecords request was in
 * flight (it was abandoned; of a call refused whole and being sent again in parts, only the
 * parts in flight), or they waited to be re-sent after an attempt that got no answer (their
 * report would have said `possibleDuplicate`). Otherwise they were never stored (never sent, or
 * refused at every attempt so far).
 *
 * Retriable: nothing about the items or the stream stopped them, only the abort; they may be
 * given to another producer (with deliveryUnknown, at the risk of a duplicate).
 */
export class ProducerAbortedError extends RxjsKinesisError {
  readonly items: readonly FailedItem[];
  readonly deliveryUnknown: boolean;

  constructor(items: readonly FailedItem[], deliveryUnknown: boolean, context: ErrorContext = {}) {
    const what = deliveryUnknown
      ? 'may or may not have been stored: their PutRecords call was abandoned when the producer was aborted'
      : 'not delivered: the producer was aborted';
    super(`${describeItems(items)} ${what}`, {
      retriable: true,
      context: items.length === 1 ? { ...context, itemIndex: items[0]!.index } : context,
    });
    this.items = items;
    this.deliveryUnknown = deliveryUnknown;
  }
}
