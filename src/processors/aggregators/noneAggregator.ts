import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';

const framing: Framing = {
  recordOverhead: 0,
  maxItems: 1,
  itemOverhead: () => 0,
  write: (items) => items[0] ?? new Uint8Array(0),
};

/** No aggregation: every item is one record, its bytes unchanged (async-kinesis's SimpleAggregator). */
export function noneAggregator(): Aggregator {
  return {
    name: 'none',
    aggregates: false,
    createAccumulator: (maxRecordBytes) => new FramedAccumulator(framing, maxRecordBytes),
    deaggregate(record: RecordToDeaggregate): DeaggregatedItem[] {
      // Built without a spread: this runs for every record a consumer reads.
      return [
        record.explicitHashKey === undefined
          ? { data: record.data, partitionKey: record.partitionKey, subSequenceNumber: 0 }
          : {
              data: record.data,
              partitionKey: record.partitionKey,
              explicitHashKey: record.explicitHashKey,
              subSequenceNumber: 0,
            },
      ];
    },
  };
}
