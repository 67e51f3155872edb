/**
 * The table a lazy deaggregation keeps of a record's items: a few int32 fields per item (where
 * its bytes start and end, its key indexes), 8 to 16 bytes an item. A scan writes into one
 * shared scratch table (a scan calls no user code and runs to its end, so one runs at a time)
 * and copies out what it wrote at its exact size; a record that needs more grows it (kept for
 * the next scan up to 256 KiB, so a huge record does not hold memory once it is read).
 */

const KEPT_FIELDS = 64 * 1024;

let scratch = new Int32Array(4096);

/** The scratch table to write a scan into, from field 0. */
export function tableScratch(): Int32Array {
  return scratch;
}

/** A table with room for at least `needed` fields holding the first `used` fields of `table`. */
export function growTable(table: Int32Array, used: number, needed: number): Int32Array {
  const grown = new Int32Array(Math.max(2 * table.length, needed));
  grown.set(table.subarray(0, used));
  if (grown.length <= KEPT_FIELDS) scratch = grown;
  return grown;
}

/** The first `used` fields of a scan's table, as a table of their own. */
export function finishTable(table: Int32Array, used: number): Int32Array {
  return table.slice(0, used);
}
