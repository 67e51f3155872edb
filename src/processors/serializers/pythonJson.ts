/**
 * Rewrites compact JSON (as JSON.stringify writes it) into the bytes Python's
 * `json.dumps(value)` writes with its defaults: `", "` and `": "` separators, every character
 * outside printable ASCII (0x7F and above, surrogate halves one by one) as a lowercase
 * `\uXXXX` escape, and floats in Python `repr` form (`1e-05`, `1.5e-07`, big integers spelled
 * out). The result is pure ASCII.
 */
export function toPythonJson(compact: string): string {
  if (NEEDS_ESCAPE.test(compact)) return rewrite(compact);
  return addSeparatorSpaces(compact) ?? rewrite(compact);
}

/**
 * Text that may hold a character to escape: anything outside printable ASCII (JSON text holds
 * no raw control characters). The test may also match outside a string: the full rewrite is
 * then merely slower, never wrong.
 */
const NEEDS_ESCAPE = /[^ -~]/;

/**
 * The common case, printable ASCII and plain numbers: only `,` and `:` outside strings gain a
 * space. Strings are skipped with indexOf rather than walked character by character. Returns
 * undefined when a number outside the strings may need Python's spelling (an exponent, or
 * `0.0000` leading digits), for the full rewrite: checked here, in the one pass over the text,
 * rather than by a second regular expression over all of it.
 */
function addSeparatorSpaces(compact: string): string | undefined {
  const n = compact.length;
  let out = '';
  let last = 0;
  for (let i = 0; i < n; i += 1) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      let end = compact.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (end !== -1 && compact.charCodeAt(end - 1) === 0x5c) {
        let k = end - 1;
        while (compact.charCodeAt(k) === 0x5c) k -= 1;
        if ((end - 1 - k) % 2 === 0) break;
        end = compact.indexOf('"', end + 1);
      }
      // Not JSON.stringify output, but no reason to loop: an unterminated string runs to the end.
      if (end === -1) break;
      i = end;
    } else if (c === 0x2c || c === 0x3a) {
      if (c === 0x2c && endsLongDigitRun(compact, i)) return undefined;
      out += `${compact.slice(last, i + 1)} `;
      last = i + 1;
    } else if (c === 0x65 || c === 0x45) {
      // `e` outside a string: in true/false, or an exponent when a digit precedes it.
      const before = compact.charCodeAt(i - 1);
      if (before >= 0x30 && before <= 0x39) return undefined;
    } else if (c === 0x2e && compact.charCodeAt(i - 1) === 0x30 && compact.startsWith('0000', i + 1)) {
      return undefined;
    } else if ((c === 0x5d || c === 0x7d) && endsLongDigitRun(compact, i)) {
      return undefined;
    }
  }
  if (endsLongDigitRun(compact, n)) return undefined;
  return last === 0 ? compact : out + compact.slice(last);
}

function rewrite(compact: string): string {
  const n = compact.length;
  let out = '';
  let last = 0;
  for (let i = 0; i < n; i += 1) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      // A string: find its end, escaping anything outside printable ASCII.
      for (i += 1; i < n; i += 1) {
        const d = compact.charCodeAt(i);
        if (d === 0x5c) {
          i += 1;
        } else if (d === 0x22) {
          break;
        } else if (d > 0x7e) {
          out += compact.slice(last, i) + unicodeEscape(d);
          last = i + 1;
        }
      }
    } else if (c === 0x2c || c === 0x3a) {
      out += compact.slice(last, i + 1);
      out += ' ';
      last = i + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(compact.charCodeAt(j))) j += 1;
      if (needsPythonNumber(compact, i, j)) {
        out += compact.slice(last, i) + pythonNumber(Number(compact.slice(i, j)));
        last = j;
      }
      i = j - 1;
    }
  }
  return last === 0 ? compact : out + compact.slice(last);
}

function isNumberChar(c: number): boolean {
  // digits . e E + -
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/**
 * JavaScript and Python spell a number differently in exponent form, below 1e-4, and for an
 * integer beyond 2^53 (JavaScript pads its shortest digits with zeros: 2^60 is
 * 1152921504606847000, which Python reads as another integer).
 */
function needsPythonNumber(text: string, start: number, end: number): boolean {
  let digits = 0;
  for (let k = start; k < end; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 0x65 || c === 0x45) return true;
    if (c >= 0x30 && c <= 0x39) digits += 1;
    else if (c === 0x2e) digits = -Infinity;
  }
  if (digits >= 16) return true;
  const s = text.charCodeAt(start) === 0x2d ? start + 1 : start;
  // "0.0000d" means an exponent of -5 or below: Python switches to exponent form there.
  return end - s > 6 && text.startsWith('0.0000', s);
}

const hex = '0123456789abcdef';

function unicodeEscape(code: number): string {
  return `\\u${hex[(code >> 12) & 15]}${hex[(code >> 8) & 15]}${hex[(code >> 4) & 15]}${hex[code & 15]}`;
}

/**
 * Whether the 16 characters before `end` are all digits: a number that JavaScript may print
 * inexactly (an integer beyond 2^53, zero-padded), so that the full rewrite spells it.
 */
export function endsLongDigitRun(text: string, end: number): boolean {
  if (end < 16) return false;
  for (let k = end - 1; k >= end - 16; k -= 1) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * `repr()` of a Python float, or `str()` of a Python int for integral values: exact digits
 * (String() pads an integer beyond 2^53 with zeros, e.g. 2^60 as 1152921504606847000).
 */
export function pythonNumber(value: number): string {
  if (Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) return String(value);
  const digits = Math.abs(exponent) < 10 ? `0${Math.abs(exponent)}` : String(Math.abs(exponent));
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/**
 * `repr()` of a Python float for a value JavaScript holds as an integral double (every double
 * beyond 2^53 is integral): `9007199254740994.0` below 1e16, `1e+20` and `1.5e+300` from there.
 */
export function pythonFloat(value: number): string {
  if (Math.abs(value) < 1e16) return `${String(value)}.0`;
  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa}e${exponent.startsWith('-') ? exponent : `+${exponent.replace('+', '')}`}`;
}
