import type { DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';

/** Items cut out of a record that share its partition key and explicit hash key. */
export function itemsOfRecord(
  record: RecordToDeaggregate,
  slices: readonly Uint8Array[],
): DeaggregatedItem[] {
  const { partitionKey, explicitHashKey } = record;
  return slices.map((data, subSequenceNumber) =>
    explicitHashKey === undefined
      ? { data, partitionKey, subSequenceNumber }
      : { data, partitionKey, explicitHashKey, subSequenceNumber },
  );
}
