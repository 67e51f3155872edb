import type { Buffer } from '../../platform/buffer.js';
import type { DeaggregatedTexts } from '../Aggregator.js';

/**
 * The lines of a valid UTF-8 newline-framed record, each made as it is asked for. Short lines
 * are cut out of the record decoded once (`whole`: line i is `whole.slice(table[2i],
 * table[2i + 1])`, as a split would cut it); long ones are decoded on their own from the bytes
 * (`bytes.toString('utf8', table[2i], table[2i + 1])`, a flat string JSON.parse reads faster).
 */
export class NewlineTexts implements DeaggregatedTexts {
  readonly count: number;

  constructor(
    private readonly bytes: Buffer,
    private readonly whole: string | undefined,
    private readonly table: Int32Array,
  ) {
    this.count = table.length >> 1;
  }

  text(index: number): string {
    const table = this.table;
    const at = 2 * index;
    const whole = this.whole;
    return whole === undefined
      ? this.bytes.toString('utf8', table[at] as number, table[at + 1] as number)
      : whole.slice(table[at] as number, table[at + 1] as number);
  }
}
