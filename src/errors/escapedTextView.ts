/**
 * A text as it reads with the escapes of JSON and HTML undone that hide a URL's or a secret's
 * characters from the redaction patterns: a JSON encoder that escapes `/` (`https:\/\/app:pass@db`,
 * a token's `AB\/cd`: PHP's, by default), or writes a character as `\u002F`, and HTML's character
 * references (`&#x2F;`, `&#43;`, `&sol;`: a page escaping a URL's `/`, `+` and `=`). The patterns
 * end a URL's user info, a query value or a token at a backslash or an `&`, so the rest of the
 * secret was shown.
 */

/**
 * `\/` (after one or more backslashes: a JSON text inside another), a JSON `\u00XX` escape of a
 * printable ASCII character (not a space), and an HTML character reference to one, by number or
 * by the names of `/`, `+` and `=`.
 */
const ESCAPED_CHARACTER =
  /\\+\/|\\+u00([2-7][0-9a-f])|&#(?:x0*([2-7][0-9a-f])|0*(3[2-9]|[4-9][0-9]|1[01][0-9]|12[0-6]));|&(sol|plus|equals);/gi;

const NAMED: Readonly<Record<string, string>> = { sol: '/', plus: '+', equals: '=' };

/**
 * `text` with those escapes undone, or undefined when it holds none. Each match is replaced in one
 * pass over the text.
 */
export function unescapedView(text: string): string | undefined {
  if (!/\\|&/.test(text)) return undefined;
  let changed = false;
  const view = text.replace(
    ESCAPED_CHARACTER,
    (match, jsonHex?: string, htmlHex?: string, htmlDecimal?: string, name?: string) => {
      const code =
        jsonHex !== undefined || htmlHex !== undefined
          ? parseInt(jsonHex ?? htmlHex ?? '', 16)
          : htmlDecimal !== undefined
            ? parseInt(htmlDecimal, 10)
            : undefined;
      const character =
        code !== undefined ? String.fromCharCode(code) : name !== undefined ? NAMED[name.toLowerCase()] : '/';
      // A space or DEL stays escaped: a view never splits a word the text holds whole.
      if (character === undefined || code === 0x20 || code === 0x7f) return match;
      changed = true;
      return character;
    },
  );
  return changed ? view : undefined;
}
