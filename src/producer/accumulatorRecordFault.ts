import type { AggregatedRecord } from '../processors/Aggregator.js';

/**
 * What is wrong with a record an accumulator closed (an aggregator of the caller's own breaking
 * its contract), or undefined when nothing is. `held` is how many items its open record held
 * (with the one being added); `all` says the record closes every one of them (flush()). A
 * record that held none of them, or fewer than flush() was to close, would leave items behind in
 * an accumulator that no longer holds them: they would never be sent nor reported. (One that
 * claims more than it was given holds them all.) `left` is how many items the accumulator holds
 * after closing the record: the items not in the record, none when it holds them all. One that
 * still holds an item its record claims would have that item reported delivered in a record
 * whose data lacks it (its data goes out later, in a record claiming no item).
 */
export function accumulatorRecordFault(
  record: AggregatedRecord | undefined,
  held: number,
  all: boolean,
  left: number,
): string | undefined {
  if (record === undefined) {
    return all && held > 0 ? `the accumulator closed no record while holding ${held} items` : undefined;
  }
  if (typeof record !== 'object' || record === null) {
    return `the accumulator returned ${typeof record} where a record was expected`;
  }
  const { data, itemCount, size } = record;
  if (!(data instanceof Uint8Array)) return "the accumulator's record data is not a Uint8Array";
  if (!Number.isInteger(itemCount) || itemCount < 1 || (all && itemCount < held)) {
    return `the accumulator's record holds ${String(itemCount)} of its ${held} items`;
  }
  // The queue counts its bytes: a size that is no number would void the bound.
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) {
    return `the accumulator's record size is ${String(size)}, not a number of bytes`;
  }
  const notInRecord = Math.max(0, held - itemCount);
  if (left !== notInRecord) {
    return `the accumulator still holds ${String(left)} items after closing a record of ${itemCount} of its ${held} items`;
  }
  return undefined;
}
