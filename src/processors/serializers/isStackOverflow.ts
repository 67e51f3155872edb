/**
 * Whether `error` is V8's RangeError for a call stack that ran out: a reader that recurses
 * (JSON.parse with a reviver, msgpackr) on an item nested thousands of levels deep.
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes('call stack');
}
