/**
 * Values that read as AWS credentials on their own, whatever option or property holds them (a
 * secret access key passed as `region` by a swapped environment variable, say): printed, they
 * are replaced like the value of a secret-named option.
 */

/** An access key id: a four-letter kind (long-term, temporary, role…) and 16 more characters. */
const ACCESS_KEY_ID = /^(?:AKIA|ASIA|AROA|AIDA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)[A-Z0-9]{16}$/;
/** A secret access key: 40 characters of base64's alphabet. */
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+]{40}$/;
/** A session token: a long run of base64. */
const SESSION_TOKEN = /^[A-Za-z0-9/+=]{100,}$/;

/**
 * Whether a whole string reads as an AWS access key id, secret access key or session token, also
 * once its `+`, `/` and `=` are URL-escaped, once or more (a token in a URL inside a URL). A
 * secret key or token must mix lower case, upper case and digits, so that a long name made of
 * one kind of character (or a decimal number) is still shown.
 */
export function looksLikeCredential(value: string): boolean {
  if (value.length < 20 || value.length > 4096) return false;
  const plain = value.includes('%') ? decodeBase64Escapes(value) : value;
  if (ACCESS_KEY_ID.test(plain)) return true;
  if (!SECRET_ACCESS_KEY.test(plain) && !SESSION_TOKEN.test(plain)) return false;
  return /[a-z]/.test(plain) && /[A-Z]/.test(plain) && /[0-9]/.test(plain);
}

/**
 * The characters of base64's alphabet that a URL escapes (`+`, `/`, `=`), escaped once (`%2F`) or
 * more (`%252F`: a URL inside a URL). Other escapes (`%20`) are none of a credential's.
 */
const BASE64_ESCAPE = /%(?:25)*(2B|2F|3D)/gi;

/**
 * `value` with the escapes of `+`, `/` and `=` undone, however often they were applied; a value
 * with any other `%` keeps one (it is then no credential).
 */
export function decodeBase64Escapes(value: string): string {
  return value.replace(BASE64_ESCAPE, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * A quoted run of base64's alphabet, as messages show a value (`region="…"`, `got '…'`), its `+`,
 * `/` and `=` possibly URL-escaped (see decodeBase64Escapes).
 */
const QUOTED_RUN = /(["'`])([A-Za-z0-9/+=%]{20,4096})\1/g;

/**
 * A text with each quoted value that reads as an AWS credential replaced by `[redacted]`: the
 * AWS SDK quotes a region it refuses (`Region not accepted: region="…"`), and AWS_REGION may
 * hold a secret key by a swap of environment variables. Unquoted words are left as they are.
 */
export function redactQuotedCredentials(text: string, replacement: string): string {
  if (!/["'`]/.test(text)) return text;
  return text.replace(QUOTED_RUN, (match, quote: string, value: string) =>
    looksLikeCredential(value) ? `${quote}${replacement}${quote}` : match,
  );
}

/**
 * An access key id standing as a word of a text (`… for key AKIA…`, `user/ASIA…: …`), long-term
 * (`AKIA`), temporary (`ASIA`) or a bearer or context credential's (`ABIA`, `ACCA`): a fixed
 * prefix and 16 capitals or digits, not inside a longer run of letters and digits. A percent
 * escape (`user%2FAKIA…`, `%20`) or a JSON escape (`\nAKIA…`, `\u0020`) just before it ends the
 * word before as a blank does: an encoded ARN or a server's JSON message quoted in a text. Each
 * start is tried once over at most 20 characters and 6 before: linear in the text.
 */
const ACCESS_KEY_ID_WORD =
  /(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2})|(?<=\\[bfnrt])|(?<=\\u[0-9A-Fa-f]{4}))(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;

/**
 * A text with each access key id written in it as a word replaced by `replacement`: a server's
 * or a proxy's message may quote the key a request was signed with in prose, where no name says
 * what it is (`The security token included in the request is invalid: AKIA…`).
 */
export function redactAccessKeyIds(text: string, replacement: string): string {
  return /A(?:KI|SI|BI|CC)A/.test(text) ? text.replace(ACCESS_KEY_ID_WORD, replacement) : text;
}
