import type { AggregatedRecord, RecordAccumulator, TextRecordAccumulator } from '../processors/Aggregator.js';
import type { Processor } from '../processors/Processor.js';
import { textPathOf } from '../processors/textPathOf.js';
import type { QueuedItem } from './OutgoingRecord.js';

/** A lane's open record: the processor's accumulator, fed with items as the preparer serialized them. */
export interface LaneAccumulator<T> {
  /** As RecordAccumulator.add. */
  add(item: QueuedItem<T>): AggregatedRecord | undefined;
  flush(): AggregatedRecord | undefined;
  readonly itemCount: number;
  readonly size: number;
}

/** Makes the accumulators of a producer's lanes, on the path the preparer serializes for. */
export function laneAccumulators<T>(processor: Processor<T>): (maxRecordBytes: number) => LaneAccumulator<T> {
  const textPath = textPathOf(processor);
  if (textPath === undefined) {
    return (maxRecordBytes) => new ByteLane<T>(processor.aggregator.createAccumulator(maxRecordBytes));
  }
  return (maxRecordBytes) =>
    new TextLane<T>(textPath.aggregator.createAccumulator(maxRecordBytes, textPath.serializer));
}

class ByteLane<T> implements LaneAccumulator<T> {
  constructor(private readonly inner: RecordAccumulator) {}

  add(item: QueuedItem<T>): AggregatedRecord | undefined {
    if (item.data === undefined) throw new TypeError('an item serialized as text reached a byte accumulator');
    return this.inner.add(item);
  }

  flush(): AggregatedRecord | undefined {
    return this.inner.flush();
  }

  get itemCount(): number {
    return this.inner.itemCount;
  }

  get size(): number {
    return this.inner.size;
  }
}

class TextLane<T> implements LaneAccumulator<T> {
  constructor(private readonly inner: TextRecordAccumulator) {}

  add(item: QueuedItem<T>): AggregatedRecord | undefined {
    if (item.text === undefined)
      throw new TypeError('an item serialized as bytes reached a text accumulator');
    const closed = this.inner.add(item);
    // The record holds the text now (or will, once its short texts are written together):
    // the item no longer keeps it alive while it waits for delivery.
    (item as { text: string }).text = '';
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    return this.inner.flush();
  }

  get itemCount(): number {
    return this.inner.itemCount;
  }

  get size(): number {
    return this.inner.size;
  }
}
