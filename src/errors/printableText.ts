/**
 * Characters a terminal or a log viewer would act on rather than show (controls, format and
 * bidi marks, line separators, lone surrogate halves).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/**
 * `text` with every character a terminal would act on written as a JSON escape (`'\u001b'`,
 * `'\n'`): for text that quotes what came from outside, such as the character JSON.parse names.
 * A character beyond U+FFFF (a tag character, U+E0001) is written as its two escaped halves.
 */
export function printableText(text: string): string {
  return text.replace(UNPRINTABLE, (char) => SHORT_ESCAPES[char] ?? escapedUnits(char));
}

/** Each UTF-16 code unit of `char` as `\uXXXX`. */
function escapedUnits(char: string): string {
  let escaped = '';
  for (let index = 0; index < char.length; index += 1)
    escaped += `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`;
  return escaped;
}
