import type { DeaggregatedItem, DeaggregatedItems, DeaggregatedTexts } from '../processors/Aggregator.js';

// What an aggregator without the lazy forms returns (every item at once), read through the lazy
// forms' interfaces, so that deserialize() reads texts one way.

/** The texts AggregatorText.deaggregate() returned. */
export class TextList implements DeaggregatedTexts {
  readonly count: number;

  constructor(private readonly texts: readonly string[]) {
    this.count = texts.length;
  }

  text(index: number): string {
    return this.texts[index] as string;
  }
}

/**
 * The parts Aggregator.deaggregate() returned, by index: only for a record read on the text
 * path first, whose item i is part i.
 */
export class PartList implements DeaggregatedItems {
  readonly count: number;

  constructor(private readonly parts: readonly DeaggregatedItem[]) {
    this.count = parts.length;
  }

  data(index: number): Uint8Array {
    return (this.parts[index] as DeaggregatedItem).data;
  }

  partitionKey(index: number): string {
    return (this.parts[index] as DeaggregatedItem).partitionKey;
  }

  explicitHashKey(index: number): string | undefined {
    return (this.parts[index] as DeaggregatedItem).explicitHashKey;
  }
}
