import { printableText } from '../errors/printableText.js';

/** Most characters of a pattern a log line or an error message shows. */
const SHOWN = 200;

/**
 * An event's pattern as a log line or an error message shows it. The pattern is the record's own
 * (whoever wrote to the stream chose it): every character a terminal or a log viewer would act on
 * (a line break that would start a forged log line, ESC, a bidi override) is written as a JSON
 * escape, and a long one is cut after 200 characters, its length said, so that one record cannot
 * fill a log with a megabyte-long line. A message without a pattern shows `(none)`.
 */
export function describePattern(pattern: string | undefined): string {
  if (pattern === undefined) return '(none)';
  if (pattern.length <= SHOWN) return printableText(pattern);
  // Not cut between the two halves of a character beyond U+FFFF.
  const end = isHighSurrogate(pattern.charCodeAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN;
  return `${printableText(pattern.slice(0, end))}… (${pattern.length} characters)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
