import { formatMismatchHint } from '../processors/guessRecordFormat.js';

/**
 * The format hint of one record's decode errors (formatMismatchHint()), worked out at its first
 * failed item and kept for the others: a record decoded item by item can hold ~200,000 bad items,
 * and the guess reads the whole record when it is one line. It goes with that record's decoding
 * only, so bytes a source reuses for a later record (a read buffer written in place) are guessed
 * again.
 */
export class RecordHint {
  private worked = false;
  private hint: string | undefined;

  constructor(
    private readonly data: Uint8Array,
    private readonly processor: string,
  ) {}

  /** The hint, or undefined when the record looks like no other processor's format. */
  value(): string | undefined {
    if (!this.worked) {
      this.hint = formatMismatchHint(this.data, this.processor);
      this.worked = true;
    }
    return this.hint;
  }
}
