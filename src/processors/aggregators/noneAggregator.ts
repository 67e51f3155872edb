import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';

const framing: Framing = {
  recordOverhead: 0,
  maxItems: 1,
  itemOverhead: () => 0,
  write: (items) => items[0] ?? new Uint8Array(0),
};

/** The aggregators noneAggregator() made. */
const made = new WeakSet<Aggregator>();

/**
 * True for an aggregator made by noneAggregator(): each record is its one item's bytes and
 * partition key as they are, so a producer may skip the accumulator.
 */
export function isNoneAggregator(aggregator: Aggregator): boolean {
  return made.has(aggregator);
}

/** No aggregation: every item is one record, its bytes unchanged (async-kinesis's SimpleAggregator). */
export function noneAggregator(): Aggregator {
  const aggregator: Aggregator = {
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
  made.add(aggregator);
  return aggregator;
}
