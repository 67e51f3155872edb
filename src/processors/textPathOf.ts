import type { AggregatorText } from './Aggregator.js';
import type { Processor } from './Processor.js';
import type { SerializerText } from './Serializer.js';

/** Both halves of a processor's text path. */
export interface TextPath<T> {
  readonly serializer: SerializerText<T>;
  readonly aggregator: AggregatorText;
}

/** The processor's text path when its serializer and its aggregator both have one, else undefined. */
export function textPathOf<T>(processor: Processor<T>): TextPath<T> | undefined {
  const serializer = processor.serializer.text;
  const aggregator = processor.aggregator.text;
  return serializer === undefined || aggregator === undefined ? undefined : { serializer, aggregator };
}
