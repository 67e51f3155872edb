import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Logger } from './Logger.js';

const REQUIRED = ['debug', 'warn', 'error'] as const;

/** The `logger` option, checked: an object with debug, warn and error methods (info or log optional). */
export function validateLogger(logger: unknown): Logger {
  const methods = logger as Partial<Record<string, unknown>> | null;
  if (typeof logger !== 'object' || methods === null) {
    throw new InvalidOptionError(
      'logger',
      logger,
      'expected an object with debug, info, warn and error methods',
    );
  }
  const missing = REQUIRED.filter((name) => typeof methods[name] !== 'function');
  if (missing.length > 0) {
    throw new InvalidOptionError('logger', logger, `expected a ${missing.join(', ')} method`);
  }
  return logger as Logger;
}
