import { describeThrown } from '../errors/describeThrown.js';
import { redactText, redactValue } from '../errors/redact.js';
import { shownText } from './shownText.js';

/** Most characters of a failure's description a log line shows. */
const SHOWN = 2000;

/**
 * A thrown value as a log line shows it: an Error's name and message, else its JSON (or string)
 * form, redacted as the library's own log lines are (URL user info, secret-named properties,
 * quoted values that read as AWS credentials): a handler's failure is whatever it threw. Never
 * throws: a value that cannot be read (a message getter that throws, a revoked Proxy, a
 * null-prototype object with a cycle) is described as such, so that logging a failure never
 * turns into a failure of its own (a dead letter not given, a stopped transport). A failure often
 * quotes the event's data (a validator naming the value it refused), which whoever wrote the
 * record chose: every character a terminal or a log viewer would act on (a line break that would
 * start a forged log line, ESC, a bidi override) is written as a JSON escape, so the line stays
 * one line; and a description past 2,000 characters is cut there, its length said, as a long
 * pattern is (see describePattern): a validator quoting a megabyte-long value logs a bounded line.
 * It is cut once redacted, so no secret is shown in part.
 */
export function describeForLog(error: unknown): string {
  return shownText(describedRedacted(error), SHOWN);
}

function describedRedacted(error: unknown): string {
  try {
    if (error instanceof Error) return redactText(`${String(error.name)}: ${String(error.message)}`);
    const json = JSON.stringify(redactValue(error)) as string | undefined;
    if (json !== undefined) return redactText(json);
  } catch {
    // No JSON form (a bigint, a cycle) or not readable: its string form, if it has one.
  }
  return redactText(describeThrown(error));
}
