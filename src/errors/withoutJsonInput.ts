import { printableText } from './printableText.js';

/** How V8 ends a JSON.parse message that quotes the input. */
const JSON_TAIL = ' is not valid JSON';
/** Where V8 starts quoting the input after the reason: `, "` or `, ..."`. */
const QUOTED_AFTER_REASON = /, (?:\.\.\.)?"/;
const NOT_SHOWN = ' (the text is not shown)';
/** V8's `Unexpected token 'x'`, the one reason that quotes a character of the input. */
const NAMED_TOKEN = /(Unexpected token ')([\s\S])'/gu;

/**
 * A text (an error's message or stack) without the input V8 quotes in a JSON.parse message:
 * `Unexpected token '<', "<html>..."... is not valid JSON` keeps `Unexpected token '<'`. What an
 * SDK failed to read as JSON is a body a proxy may have filled with what it was sent (a header,
 * a token), so it must not travel in a message or a log line. Other texts are returned as they
 * are.
 */
export function withoutJsonInput(text: string): string {
  const end = text.lastIndexOf(JSON_TAIL);
  if (end === -1) return text;
  const head = text.slice(0, end);
  // V8's quote ends right before the tail, cut short (`"...`) or not.
  if (!head.endsWith('"') && !head.endsWith('"...')) return text;
  const afterReason = QUOTED_AFTER_REASON.exec(head);
  // `<reason>, "<input>" is not valid JSON`, or `"<input>" is not valid JSON` alone.
  const start = afterReason?.index ?? head.indexOf('"');
  if (start === -1) return text;
  return `${printableToken(text.slice(0, start))}${NOT_SHOWN}${text.slice(end)}`;
}

/**
 * The character V8 names (`Unexpected token '\u001b'`) is the input's own: one a terminal would
 * act on is written as a JSON escape, as jsonParseReason writes it.
 */
function printableToken(head: string): string {
  return head.replace(
    NAMED_TOKEN,
    (_match, before: string, char: string) => `${before}${printableText(char)}'`,
  );
}
