import { looksLikeCredential } from './credentialShapes.js';

/**
 * Where a secret value found in a text ends, when its shape says so. A value is cut where a text
 * says it ends (a query value at `&`, `#`, whitespace or a closing quote), so the punctuation of
 * the sentence around it (`(… ?X-Amz-Security-Token=…),`, `….<br>`) was hidden with it. That
 * punctuation is shown again only when what stands before it has a known shape that cannot hold
 * it: an AWS credential (an access key id, a secret access key, a session token: base64's
 * alphabet, its `+`, `/` and `=` possibly URL-escaped), or the value of an AWS signing parameter
 * (a session token, a hex signature, a credential scope). A value of any other shape (a password)
 * may hold such characters itself: it stays hidden whole.
 */

/** Closing punctuation that may follow a value in a text. */
const PUNCTUATION = new Set([...')]}>.,;:!?\'"`']);
/** A line-break or closing tag (`<br>`, `<br/>`, `</td>`) that ends a text. */
const TAG = /<(?:br\s*\/?|\/[a-z]{1,10})>$/i;

/**
 * Where the closing punctuation and tags that end `value` start (its length if there are none),
 * scanned from the end: linear in what it takes, whatever the value.
 */
function trailerStart(value: string): number {
  let start = value.length;
  while (start > 0) {
    const tag =
      value.charAt(start - 1) === '>' ? TAG.exec(value.slice(Math.max(0, start - 16), start)) : null;
    if (tag !== null) start -= tag[0].length;
    else if (PUNCTUATION.has(value.charAt(start - 1))) start -= 1;
    else break;
  }
  return start;
}

/** What stands in for a secret value already replaced (see redactUrls, secretNames). */
const PLACEHOLDERS = ['***', '[redacted]'];

/** A URL-escaped `+`, `/` or `=`, escaped once or more. */
const BASE64_ESCAPE = '%(?:25)*(?:2B|2F|3D)';

/** The values AWS's signing parameters (and the session token header) hold, whole. */
const KNOWN_SHAPES: ReadonlyMap<string, RegExp> = new Map([
  ['x-amz-security-token', new RegExp(`^(?:[A-Za-z0-9+/=]|${BASE64_ESCAPE})+$`, 'i')],
  ['x-amz-signature', /^[0-9a-f]+$/i],
  ['x-amz-credential', /^(?:[A-Za-z0-9_-]|\/|%(?:25)*2F)+$/i],
]);

/**
 * `value`, the secret found after a parameter or header `name`, split into the part to hide and
 * the punctuation after it that may be shown (empty unless the part's shape has a known end).
 */
export function splitSecret(value: string, name: string): [secret: string, after: string] {
  // A value redacted already (a text redacted twice): what follows it was shown the first time.
  for (const placeholder of PLACEHOLDERS) {
    if (value.startsWith(placeholder) && trailerStart(value.slice(placeholder.length)) === 0)
      return [placeholder, value.slice(placeholder.length)];
  }
  const start = trailerStart(value);
  if (start === value.length || start === 0) return [value, ''];
  const head = value.slice(0, start);
  const shape = KNOWN_SHAPES.get(name.toLowerCase());
  const known = shape === undefined ? looksLikeCredential(head) : shape.test(head);
  return known ? [head, value.slice(start)] : [value, ''];
}
