import type { Aggregator } from './Aggregator.js';
import type { Serializer } from './Serializer.js';

/** How items of type T become Kinesis records and back: one serializer × one aggregator. */
export interface Processor<T> {
  readonly name: string;
  readonly serializer: Serializer<T>;
  readonly aggregator: Aggregator;
}

/** Combines any serializer with any aggregator, e.g. your own serializer with the KPL format. */
export function createProcessor<T>(
  name: string,
  serializer: Serializer<T>,
  aggregator: Aggregator,
): Processor<T> {
  return { name, serializer, aggregator };
}
