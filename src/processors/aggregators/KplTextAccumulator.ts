import { Buffer } from '../../platform/buffer.js';
import type { AggregatedRecord, TextAggregatorEntry, TextRecordAccumulator } from '../Aggregator.js';
import type { TextTraits } from '../Serializer.js';
import type { DigestSink } from './deferredDigest.js';
import { KplAccumulator } from './KplAccumulator.js';

/**
 * KPL on the text path: a TextRecordAccumulator over KplAccumulator. A text's byte count is its
 * entry's `textBytes`, or counted here (its length for ASCII texts).
 */
export class KplTextAccumulator implements TextRecordAccumulator {
  private readonly inner: KplAccumulator;
  private readonly encoding: 'latin1' | 'utf8';

  constructor(maxRecordBytes: number, traits: TextTraits) {
    this.inner = new KplAccumulator(maxRecordBytes);
    this.encoding = traits.ascii ? 'latin1' : 'utf8';
  }

  get itemCount(): number {
    return this.inner.itemCount;
  }

  get size(): number {
    return this.inner.size;
  }

  add(entry: TextAggregatorEntry): AggregatedRecord | undefined {
    const { encoding } = this;
    const bytes =
      entry.textBytes ?? (encoding === 'latin1' ? entry.text.length : Buffer.byteLength(entry.text, 'utf8'));
    return this.inner.addText(entry, bytes, encoding);
  }

  flush(): AggregatedRecord | undefined {
    return this.inner.flush();
  }

  /** See KplAccumulator.deferDigests. */
  deferDigests(sink: DigestSink | undefined): void {
    this.inner.deferDigests(sink);
  }
}
