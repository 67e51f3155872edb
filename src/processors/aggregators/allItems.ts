import type { DeaggregatedItem, DeaggregatedItems } from '../Aggregator.js';

/** Every item of a lazy deaggregation at once: what deaggregate() returns. */
export function allItems(items: DeaggregatedItems): DeaggregatedItem[] {
  const count = items.count;
  const all = new Array<DeaggregatedItem>(count);
  for (let i = 0; i < count; i += 1) {
    const data = items.data(i);
    const partitionKey = items.partitionKey(i);
    const explicitHashKey = items.explicitHashKey(i);
    // Built without a spread: this runs per item.
    all[i] =
      explicitHashKey === undefined
        ? { data, partitionKey, subSequenceNumber: i }
        : { data, partitionKey, explicitHashKey, subSequenceNumber: i };
  }
  return all;
}
