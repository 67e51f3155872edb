import type { Observable } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** Checks the `flushOn` option (an Observable, or undefined); throws InvalidOptionError. */
export function validateFlushOn(flushOn: unknown): Observable<unknown> | undefined {
  if (flushOn === undefined) return undefined;
  if (
    typeof flushOn !== 'object' ||
    flushOn === null ||
    typeof (flushOn as { subscribe?: unknown }).subscribe !== 'function'
  ) {
    throw new InvalidOptionError('flushOn', flushOn, 'expected an Observable');
  }
  return flushOn as Observable<unknown>;
}
