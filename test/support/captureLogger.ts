import type { Logger } from '../../src/logging/Logger.js';
import type { LogLevel } from '../../src/logging/Logger.js';

export interface CapturedLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** A Logger that keeps every line, for assertions. */
export class CaptureLogger implements Logger {
  readonly lines: CapturedLine[] = [];
  readonly debug = (message: string, details?: Readonly<Record<string, unknown>>): void =>
    this.keep('debug', message, details);
  readonly info = (message: string, details?: Readonly<Record<string, unknown>>): void =>
    this.keep('info', message, details);
  readonly warn = (message: string, details?: Readonly<Record<string, unknown>>): void =>
    this.keep('warn', message, details);
  readonly error = (message: string, details?: Readonly<Record<string, unknown>>): void =>
    this.keep('error', message, details);

  /** Messages (without the `rxjs-kinesis: ` prefix and details) at `level`, or at every level. */
  messages(level?: LogLevel): string[] {
    return this.lines
      .filter((line) => level === undefined || line.level === level)
      .map((line) => line.message.replace(/^rxjs-kinesis: /, '').replace(/ \w+=.*$/, ''));
  }

  /** Everything logged, as one text (to search for what must never appear). */
  text(): string {
    return this.lines.map((line) => `${line.message} ${JSON.stringify(line.details)}`).join('\n');
  }

  private keep(
    level: LogLevel,
    message: string,
    details: Readonly<Record<string, unknown>> | undefined,
  ): void {
    this.lines.push({ level, message, details });
  }
}
