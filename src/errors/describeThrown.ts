/**
 * What a thrown value says, for the message of the typed error that wraps it (a serializer's, a
 * callback's, a decoder's): an Error's message, else the value as a string. Never throws: a value with no string form (a null-prototype object, a toString() or a
 * message getter that throws, a Proxy whose traps throw or that was revoked) is described as
 * such, so that the typed error wrapping it is still made and the item it is about still gets
 * its report.
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
