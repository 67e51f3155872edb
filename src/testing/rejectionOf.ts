/**
 * The error an operation fails with, whether it throws synchronously or rejects. When it
 * succeeds, fails naming `what` (the call and the rule it breaks), the error class `expected`
 * and what it resolved with.
 */
export async function rejectionOf(
  what: string,
  expected: string,
  operation: () => Promise<unknown>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await operation();
  } catch (error) {
    return error;
  }
  throw new Error(
    `expected ${what} to fail with ${expected}, but it resolved with ${describeResult(result)}`,
  );
}

function describeResult(result: unknown): string {
  if (result === undefined) return 'undefined';
  try {
    return JSON.stringify(result);
  } catch {
    return String(result);
  }
}
