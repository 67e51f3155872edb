import { looksLikeCredential } from './credentialShapes.js';
import { REDACTED } from './secretNames.js';

/**
 * What a thrown value says, for the message of the typed error that wraps it (a serializer's, a
 * callback's, a decoder's): an Error's message, else the value as a string; `[redacted]` when
 * that reads as an AWS credential whole. Never throws: a value with no string form (a
 * null-prototype object, a toString() or a message getter that throws, a Proxy whose traps throw
 * or that was revoked) is described as such, so that the typed error wrapping it is still made and the item it is about still gets
 * its report.
 */
export function describeThrown(thrown: unknown): string {
  let isError = false;
  try {
    isError = thrown instanceof Error;
    const said = isError ? String((thrown as Error).message) : String(thrown);
    // A value that is an AWS credential whole (a credentials provider rejecting with the key it
    // refused) is not quoted: the wrapping error's message holds it as free text.
    return looksLikeCredential(said) ? REDACTED : said;
  } catch {
    return isError ? 'an error whose message cannot be read' : 'a value with no string form';
  }
}
