import { describeThrown } from '../errors/describeThrown.js';
import type { ErrorContext, RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { classifyError } from '../kinesis/classifyError.js';

/**
 * classifyError() for what a client of the caller's own rejected a call with, never throwing: a
 * value whose fields cannot be read (a revoked Proxy, getters that throw) is classified as an
 * unknown failure described by describeThrown(). Thrown while an answer was handled, it escaped
 * the producer (an unhandled rejection) and the call's items were never reported.
 */
export function classifyCallError(error: unknown, context?: ErrorContext): RxjsKinesisError {
  try {
    return classifyError(error, context);
  } catch {
    return classifyError(new Error(`the call failed with ${describeThrown(error)}`), context);
  }
}
