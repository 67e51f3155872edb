import type { AggregatedRecord, RecordAccumulator, TextRecordAccumulator } from '../processors/Aggregator.js';
import type { Processor } from '../processors/Processor.js';
import type { DigestSink } from '../processors/aggregators/deferredDigest.js';
import { KplAccumulator } from '../processors/aggregators/KplAccumulator.js';
import { KplTextAccumulator } from '../processors/aggregators/KplTextAccumulator.js';
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

/**
 * Makes the accumulators of a producer's lanes, on the path the preparer serializes for. KPL
 * accumulators hand their records' checksums to `digests`, if given (see RecordDigests).
 */
export function laneAccumulators<T>(
  processor: Processor<T>,
  digests?: DigestSink,
): (maxRecordBytes: number) => LaneAccumulator<T> {
  const textPath = textPathOf(processor);
  if (textPath === undefined) {
    return (maxRecordBytes) =>
      new ByteLane<T>(deferring(processor.aggregator.createAccumulator(maxRecordBytes), digests));
  }
  return (maxRecordBytes) =>
    new TextLane<T>(
      deferring(textPath.aggregator.createAccumulator(maxRecordBytes, textPath.serializer), digests),
    );
}

function deferring<A>(accumulator: A, digests: DigestSink | undefined): A {
  if (
    digests !== undefined &&
    (accumulator instanceof KplAccumulator || accumulator instanceof KplTextAccumulator)
  ) {
    accumulator.deferDigests(digests);
  }
  return accumulator;
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
