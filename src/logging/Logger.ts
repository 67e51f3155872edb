/** One level of a Logger: a message and, optionally, details (never record data or secrets). */
export type LogMethod = (message: string, details?: Readonly<Record<string, unknown>>) => void;

/**
 * What the producer, the consumer and the checkpointers log through when given a `logger`
 * option (nothing is logged without one). `console`, a pino logger and the NestJS `Logger`
 * satisfy it as they are: `info` is used when present, else `log` (NestJS names its info level
 * `log`), else `debug`. Messages start with `rxjs-kinesis:` and carry the main details inline,
 * so loggers that print only the message (pino given a message first) lose nothing important. A
 * logger with `log` and no `info` (NestJS's, which prints every argument as an entry of its own)
 * gets the message alone.
 */
export interface Logger {
  readonly debug: LogMethod;
  readonly info?: LogMethod;
  readonly log?: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
