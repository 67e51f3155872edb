import { reviveLargeInteger } from './exactIntegers.js';
import { freshNonce } from './freshNonce.js';
import { isStackOverflow } from './isStackOverflow.js';

const TOKENS: readonly (readonly [string, number])[] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

/** A text that is one token between JSON whitespace. */
const WHOLE_TOKEN = /^[ \t\n\r]*(NaN|Infinity|-Infinity)[ \t\n\r]*$/;
const CHAR_N = 0x4e;
const CHAR_I = 0x49;
const CHAR_MINUS = 0x2d;
const CHAR_SPACE = 0x20;
const CHAR_TAB = 0x09;
const CHAR_LF = 0x0a;
const CHAR_CR = 0x0d;

/**
 * The value of a text that is one token alone (an item of a list or of lines of `NaN`), else
 * undefined. One character decides for almost every text, so it may run before JSON.parse: the
 * parse of such an item would fail, and a failed parse costs ~10 µs (the SyntaxError it builds),
 * ~30 times a small item's parse.
 */
export function wholePythonJsonToken(text: string): number | undefined {
  let at = 0;
  let first = text.charCodeAt(0);
  while (first === CHAR_SPACE || first === CHAR_TAB || first === CHAR_LF || first === CHAR_CR) {
    at += 1;
    first = text.charCodeAt(at);
  }
  const maybe =
    first === CHAR_N || first === CHAR_I || (first === CHAR_MINUS && text.charCodeAt(at + 1) === CHAR_I);
  if (!maybe) return undefined;
  const whole = WHOLE_TOKEN.exec(text)?.[1];
  return whole === undefined ? undefined : TOKENS.find(([token]) => token === whole)?.[1];
}

/**
 * Parses JSON text that uses Python's non-standard `NaN`, `Infinity` and `-Infinity` number
 * tokens (what `json.dumps(float('nan'))` writes). `{ ok: false }` when the text holds no token
 * outside its strings or is not valid JSON with them.
 *
 * Each token outside a string is rewritten as a marker string and turned back into its number
 * as JSON.parse revives it. The marker holds a random part drawn for the call, so no string of
 * the record is taken for a token; only the three markers are replaced (never a value looked up
 * by a name the record chose); and a token where an object key stands is refused, as Python
 * refuses it. With `bigints`, integer tokens beyond 2^53 are read as bigints (see exactIntegers.ts).
 * `tooDeep`: the text holds tokens but is nested too deeply for the reviving parse (thousands of
 * levels: it recurses), so whether it is valid was not found out.
 */
export function parsePythonJsonExtensions(
  text: string,
  bigints = false,
): { ok: true; value: unknown } | { ok: false; tooDeep?: true } {
  // An item that is one token (a list or lines of `NaN`): its value, without a marker or a parse.
  const whole = wholePythonJsonToken(text);
  if (whole !== undefined) return { ok: true, value: whole };
  // A marker no record can know in advance (a string of the record that happened to hold it
  // would be taken for a token): 128 random bits, for this call alone.
  const marker = `rxjs-kinesis:${freshNonce()}:`;
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
    const value: unknown = JSON.parse(rewritten, (key: string, v: unknown, context?: { source?: string }) => {
      if (typeof v === 'string') return markers.has(v) ? markers.get(v) : v;
      return bigints ? reviveLargeInteger(key, v, context) : v;
    });
    return { ok: true, value };
  } catch (error) {
    return isStackOverflow(error) ? { ok: false, tooDeep: true } : { ok: false };
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
