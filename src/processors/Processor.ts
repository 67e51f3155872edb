import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Aggregator } from './Aggregator.js';
import type { Serializer } from './Serializer.js';

/** How items of type T become Kinesis records and back: one serializer × one aggregator. */
export interface Processor<T> {
  readonly name: string;
  readonly serializer: Serializer<T>;
  readonly aggregator: Aggregator;
}

/**
 * Combines any serializer with any aggregator, e.g. your own serializer with the KPL format.
 * Throws InvalidOptionError when an argument is not what it must be (a name that is not a
 * non-empty string, a serializer without serialize()/deserialize(), an aggregator without
 * createAccumulator()/deaggregate() or its `aggregates` flag), rather than when the processor is
 * first used.
 */
export function createProcessor<T>(
  name: string,
  serializer: Serializer<T>,
  aggregator: Aggregator,
): Processor<T> {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidOptionError('name', name, 'expected a non-empty string naming the processor');
  }
  if (!hasMethods(serializer, ['serialize', 'deserialize'])) {
    throw new InvalidOptionError(
      'serializer',
      serializer,
      'expected a Serializer: an object with serialize(item) and deserialize(bytes)',
    );
  }
  if (
    !hasMethods(aggregator, ['createAccumulator', 'deaggregate']) ||
    typeof (aggregator as { aggregates?: unknown }).aggregates !== 'boolean'
  ) {
    throw new InvalidOptionError(
      'aggregator',
      aggregator,
      'expected an Aggregator: an object with createAccumulator(maxRecordBytes), deaggregate(record) and aggregates (boolean)',
    );
  }
  return { name, serializer, aggregator };
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}
