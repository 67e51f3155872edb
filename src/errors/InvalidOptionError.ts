import { RxjsKinesisError } from './RxjsKinesisError.js';

/**
 * An option or argument is invalid. Raised synchronously, before any I/O, with a message that
 * says which option was wrong, what it was, and what is allowed.
 */
export class InvalidOptionError extends RxjsKinesisError {
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, allowed: string) {
    super(`Invalid option "${option}": got ${describeValue(value)}; ${allowed}`, { retriable: false });
    this.option = option;
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
