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
 */
export function printableText(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
