import { printableText } from '../errors/printableText.js';

/**
 * A text from outside (a record's pattern, what a handler threw) as a log line or an error message
 * shows it: every character a terminal or a log viewer would act on written as a JSON escape, and
 * cut after `most` characters, its length said (`… (1048576 characters)`), so that one record
 * cannot fill a log with a megabyte-long line. Never cut between the two halves of a character
 * beyond U+FFFF.
 */
export function shownText(text: string, most: number): string {
  if (text.length <= most) return printableText(text);
  const end = isHighSurrogate(text.charCodeAt(most - 1)) ? most - 1 : most;
  return `${printableText(text.slice(0, end))}… (${text.length} characters)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
