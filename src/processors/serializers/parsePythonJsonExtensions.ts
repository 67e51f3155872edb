const TOKENS: readonly (readonly [string, number])[] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

/**
 * Parses JSON text that uses Python's non-standard `NaN`, `Infinity` and `-Infinity` number
 * tokens (what `json.dumps(float('nan'))` writes). Only called after JSON.parse failed.
 *
 * Each token outside a string is rewritten as a marker string and turned back into its number
 * as JSON.parse revives it. The marker holds a random part drawn for the call, so no string of
 * the record is taken for a token; only the three markers are replaced (never a value looked up
 * by a name the record chose); and a token where an object key stands is refused, as Python
 * refuses it.
 */
export function parsePythonJsonExtensions(text: string): { ok: true; value: unknown } | { ok: false } {
  // A marker no record can know in advance (a string of the record that happened to hold it
  // would be taken for a token): 128 random bits, drawn for this call.
  const nonce = Array.from(globalThis.crypto.getRandomValues(new Uint32Array(4)), (word) =>
    word.toString(16).padStart(8, '0'),
  ).join('');
  const marker = `rxjs-kinesis:${nonce}:`;
  const markers = new Map<string, number>(TOKENS.map(([token, value]) => [`\u0000${marker}${token}`, value]));
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
    for (const [token] of TOKENS) {
      if (text.startsWith(token, i)) {
        if (followedByColon(text, i + token.length)) return { ok: false };
        rewritten += `${text.slice(last, i)}"\\u0000${marker}${token}"`;
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
      typeof v === 'string' && markers.has(v) ? markers.get(v) : v,
    );
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

/** Whether the first character at or after `from` that is not JSON whitespace is a colon. */
function followedByColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x3a;
  }
  return false;
}
