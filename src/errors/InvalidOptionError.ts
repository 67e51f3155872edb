import { redactText, redactValue } from './redact.js';
import { RxjsKinesisError } from './RxjsKinesisError.js';

/**
 * An option or argument is invalid. Raised synchronously, before any I/O, with a message that
 * says which option was wrong, what it was, and what is allowed.
 *
 * Neither the message nor `value` carries a secret: the value of an option whose name looks
 * secret (password, secret, token, key, credential, auth...) is `[redacted]`, URLs lose their user
 * info, and an object is kept as a redacted copy (class instances, which may hold credentials in
 * their options, as `[ClassName]`).
 */
export class InvalidOptionError extends RxjsKinesisError {
  readonly option: string;
  /** The offending value, redacted (see above). */
  readonly value: unknown;

  /** `cause`: what reading the option threw (a getter or Proxy trap of the caller's), if any. */
  constructor(option: string, value: unknown, allowed: string, options: { readonly cause?: unknown } = {}) {
    const safeOption = redactText(option);
    const safeValue = redactValue(value, option);
    super(`Invalid option "${safeOption}": got ${describeValue(safeValue)}; ${allowed}`, {
      retriable: false,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.option = safeOption;
    this.value = safeValue;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function${value.name === '' ? '' : ` (${value.name})`}`;
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
