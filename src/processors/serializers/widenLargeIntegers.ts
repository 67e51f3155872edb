const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;

/**
 * Returns `value` with every integral number outside the 32-bit range (inside plain objects and
 * arrays) replaced by a bigint, so that msgpackr writes it as int64/uint64 rather than float64.
 * Returns `value` itself (same reference) when nothing needs to change.
 */
export function widenLargeIntegers<T>(value: T): T {
  return widen(value) as T;
}

function widen(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && (value > UINT32_MAX || value < INT32_MIN) ? BigInt(value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const element: unknown = value[i];
      const widened = widen(element);
      if (widened !== element) {
        copy ??= value.slice();
        copy[i] = widened;
      }
    }
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    const widened = widen(field);
    if (widened !== field) {
      copy ??= { ...record };
      copy[key] = widened;
    }
  }
  return copy ?? value;
}
