import { C1 } from 'msgpackr';

/** The one byte MessagePack never uses: msgpackr reads it as its marker object `C1`. */
const NEVER_USED = 0xc1;

/**
 * Whether a value msgpackr decoded from `bytes` holds its marker for the never-used byte 0xC1
 * (which Python's msgpack refuses as invalid). Only items whose bytes hold 0xC1 at all are walked
 * (it may also stand inside a string, a bin or a number): for the others one native search.
 *
 * The walk looks into every container, with no cap: a cap would let a hostile item hide the
 * marker past it. Its cost is bounded by the item's size, as the decoding's is: every array, map
 * or record takes at least one byte, and shared references (which could repeat a container) are
 * refused by the decoder.
 */
export function holdsNeverUsedByte(bytes: Uint8Array, value: unknown): boolean {
  if (bytes.indexOf(NEVER_USED) === -1) return false;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === C1) return true;
    if (typeof next !== 'object' || next === null || ArrayBuffer.isView(next)) continue;
    if (Array.isArray(next)) for (const element of next) pending.push(element);
    else if (next instanceof Map) for (const [key, element] of next) pending.push(key, element);
    else for (const key of Object.keys(next)) pending.push((next as Record<string, unknown>)[key]);
  }
  return false;
}
