import { C1 } from 'msgpackr';

/** The one byte MessagePack never uses: msgpackr reads it as its marker object `C1`. */
const NEVER_USED = 0xc1;
/** Containers looked into at most, so that a hostile item cannot make the walk run long. */
const MAX_CONTAINERS = 100_000;

/**
 * Whether a value msgpackr decoded from `bytes` holds its marker for the never-used byte 0xC1
 * (which Python's msgpack refuses as invalid). Only items whose bytes hold 0xC1 at all are walked
 * (it may also stand inside a string, a bin or a number): for the others one native search.
 */
export function holdsNeverUsedByte(bytes: Uint8Array, value: unknown): boolean {
  if (bytes.indexOf(NEVER_USED) === -1) return false;
  const pending: unknown[] = [value];
  let containers = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === C1) return true;
    if (typeof next !== 'object' || next === null || ArrayBuffer.isView(next)) continue;
    containers += 1;
    if (containers > MAX_CONTAINERS) return false;
    if (Array.isArray(next)) for (const element of next) pending.push(element);
    else if (next instanceof Map) for (const [key, element] of next) pending.push(key, element);
    else for (const key of Object.keys(next)) pending.push((next as Record<string, unknown>)[key]);
  }
  return false;
}
