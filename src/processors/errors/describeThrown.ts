/**
 * What a thrown value says, for the message of the typed error that wraps it: an Error's
 * message, else the value as a string. Never throws: a value with no string form (a
 * null-prototype object, a throwing toString() or message getter, a revoked Proxy or one whose
 * traps throw) is described as such, so that the typed error is still made.
 */
export function describeThrown(thrown: unknown): string {
  let isError = false;
  try {
    isError = thrown instanceof Error;
    return isError ? String((thrown as Error).message) : String(thrown);
  } catch {
    return isError ? 'an error whose message cannot be read' : 'a value with no string form';
  }
}
