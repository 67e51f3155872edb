import { redactError, redactText, redactValue } from '../errors/redact.js';
import type { LogLevel, Logger } from './Logger.js';

/** What a log line's details may hold: plain values, errors (redacted on the way out). */
export type LogDetails = Readonly<Record<string, unknown>>;

function describeError(error: unknown): string {
  const redacted = redactError(error);
  if (redacted instanceof Error) return `${redacted.name}: ${redactText(redacted.message)}`;
  return redactText(String(redacted));
}

/** JSON of a detail, with bigints as their digits; '[unprintable]' when it cannot be written. */
function json(value: object): string {
  try {
    return JSON.stringify(value, (_key, field: unknown) =>
      typeof field === 'bigint' ? field.toString() : field,
    );
  } catch {
    return '[unprintable]';
  }
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => inline(item)).join(',');
  if (value instanceof Error) return describeError(value);
  if (value !== null && typeof value === 'object') return json(value);
  return redactText(String(value));
}

/**
 * A duration (a detail named `...Ms`) in whole milliseconds: a jittered back-off is drawn with long
 * fractions (`delayMs=37.03703703703704`) that mean nothing at a timer's grain.
 */
function wholeMs(key: string, value: unknown): unknown {
  return key.endsWith('Ms') && typeof value === 'number' && Number.isFinite(value)
    ? Math.round(value)
    : value;
}

/**
 * Writes one line at `level` to `logger` (nothing without one): `rxjs-kinesis: <message>
 * key=value ...`, the details again as an object (except to a logger with `log` and no `info`,
 * NestJS's) with errors reduced to their redacted name and message, secret-named values replaced
 * and durations (`...Ms`) in whole milliseconds. A throwing logger never breaks the caller, nor
 * does a detail that cannot be written as JSON (a bigint inside, a throwing toJSON).
 */
export function writeLog(
  logger: Logger | undefined,
  level: LogLevel,
  message: string,
  details: LogDetails = {},
): void {
  if (logger === undefined) return;
  const safe: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    const shown = value instanceof Error ? describeError(value) : redactValue(wholeMs(key, value), key);
    safe[key] = shown;
    parts.push(`${key}=${inline(shown)}`);
  }
  const line = `rxjs-kinesis: ${redactText(message)}${parts.length === 0 ? '' : ` ${parts.join(' ')}`}`;
  const method = level === 'info' ? (logger.info ?? logger.log ?? logger.debug) : logger[level];
  // A logger with `log` and no `info` (NestJS's) prints each argument as an entry of its own: the
  // details, already inline in the line, would come out again as a second entry.
  const nestStyle = logger.info === undefined && logger.log !== undefined;
  try {
    if (nestStyle) method.call(logger, line);
    else method.call(logger, line, safe);
  } catch {
    // A logger's own failure is not the pipeline's.
  }
}
