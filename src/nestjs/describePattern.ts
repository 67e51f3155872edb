import { shownText } from './shownText.js';

/** Most characters of a pattern a log line or an error message shows. */
const SHOWN = 200;

/**
 * An event's pattern as a log line or an error message shows it. The pattern is the record's own
 * (whoever wrote to the stream chose it): every character a terminal or a log viewer would act on
 * (a line break that would start a forged log line, ESC, a bidi override) is written as a JSON
 * escape, and a long one is cut after 200 characters, its length said, so that one record cannot
 * fill a log with a megabyte-long line (see shownText). A message without a pattern shows `(none)`.
 */
export function describePattern(pattern: string | undefined): string {
  return pattern === undefined ? '(none)' : shownText(pattern, SHOWN);
}
