// What JSON.stringify writes for a value, before any bytes: the toJSON(key) conversion, and the
// values it leaves out. Shared by the one-pass Python-style JSON writer (pythonJsonWriter).

/** What JSON.stringify writes for `value` as property `key` of its holder: toJSON(key)'s result, if it has one. */
export function converted(value: unknown, key: string | number): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'bigint') return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== 'function') return value;
  return (toJSON as (key: string) => unknown).call(value, typeof key === 'number' ? String(key) : key);
}

/** Values JSON drops from objects, writes as null in arrays and has no text for at the top level. */
export function isDropped(value: unknown): boolean {
  const type = typeof value;
  return type === 'undefined' || type === 'function' || type === 'symbol';
}
