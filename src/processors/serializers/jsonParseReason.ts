import { printableText } from '../../errors/printableText.js';

/** Where V8 starts quoting the input: `, "` or `, ..."`. */
const QUOTED_INPUT = /, (?:\.\.\.)?"/;
/**
 * Why JSON.parse refused a text, without the text: V8 quotes the input it could not parse
 * (`Unexpected token 'h', "{"a": hunter2"... is not valid JSON`), and an item's bytes may hold
 * secrets or personal data that must not reach an error message or a log line. Keeps what names
 * the fault and where (`Unexpected token 'h'`, `... in JSON at position 6 (line 1 column 7)`,
 * `Unexpected end of JSON input`), drops every quoted piece of the input. The character V8 names
 * is the item's own: one a terminal would act on (ESC, a bell, a bidi override) is written as a
 * JSON escape (`Unexpected token '\u001b'`).
 */
export function jsonParseReason(error: unknown): string {
  return printableText(reasonOf(error));
}

function reasonOf(error: unknown): string {
  const message = messageOf(error);
  if (message === '') return 'not valid JSON';
  // `<reason>, "<input>" is not valid JSON`, or `"<input>" is not valid JSON` on its own.
  if (message.endsWith('is not valid JSON')) {
    // The input is quoted whole (`, "{...}"`) or around the fault (`, ..."word": x"...`).
    const cut = QUOTED_INPUT.exec(message)?.index ?? -1;
    return cut > 0 ? message.slice(0, cut) : 'not valid JSON';
  }
  // Other reasons name a position, not the input; a quote in what is left would be the input's.
  return message.includes('"') ? 'not valid JSON' : message;
}

/** The error's message (of any realm's SyntaxError: JSON.parse may be another realm's), or ''. */
function messageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  try {
    const message: unknown = (error as { message?: unknown }).message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}
