const SENTINEL_PREFIX = '\u0000rxjs-kinesis:';
const TOKENS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/**
 * Parses JSON text that uses Python's non-standard `NaN`, `Infinity` and `-Infinity` number
 * tokens (what `json.dumps(float('nan'))` writes). Only called after JSON.parse failed.
 */
export function parsePythonJsonExtensions(text: string): { ok: true; value: unknown } | { ok: false } {
  let rewritten = '';
  let last = 0;
  let found = false;
  const n = text.length;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i += 1; i < n; i += 1) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 1;
        else if (d === 0x22) break;
      }
      continue;
    }
    for (const token of Object.keys(TOKENS)) {
      if (text.startsWith(token, i)) {
        rewritten += `${text.slice(last, i)}"\\u0000rxjs-kinesis:${token}"`;
        i += token.length - 1;
        last = i + 1;
        found = true;
        break;
      }
    }
  }
  if (!found) return { ok: false };
  rewritten += text.slice(last);
  try {
    const value: unknown = JSON.parse(rewritten, (_key, v: unknown) =>
      typeof v === 'string' && v.startsWith(SENTINEL_PREFIX) ? TOKENS[v.slice(SENTINEL_PREFIX.length)] : v,
    );
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}
