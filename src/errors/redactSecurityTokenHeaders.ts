import { splitSecret } from './secretEnd.js';

/**
 * AWS answers a request whose signature it cannot match (SignatureDoesNotMatch,
 * InvalidSignatureException) with the canonical request it computed, and the SDK signs the
 * session token's header: the message then holds `x-amz-security-token:<the token>`. The value
 * of that header (or query parameter, `X-Amz-Security-Token=`) is replaced; the list of signed
 * header names (`host;x-amz-date;x-amz-security-token`) is left as it is. In JSON (once or twice
 * encoded) the name and the value may be quoted (`"x-amz-security-token":"…"`, `\"…\"`), and a
 * value ends at a backslash (a token holds none): the `\n` that follows it in a JSON string is
 * the end of its line, not more of the token. In a URL inside a URL (a redirect, a presigned URL
 * passed on) the `=` and the `&` after the value are escaped, once or more (`%3D`, `%253D`, `%26`):
 * the value ends at an escaped `&`, `#` or `;` as at a plain one.
 */
const SECURITY_TOKEN =
  /(x-amz-security-token(?:\\*["'])?[ \t]*(?:[:=]|%(?:25)*3[AD])[ \t]*(?:\\*["'])?)(?:[^\s'"`&;,\\%]|%(?!(?:25)*(?:26|23|3B)))+/gi;

export function redactSecurityTokenHeaders(text: string, replacement: string): string {
  if (!/x-amz-security-token/i.test(text)) return text;
  return text.replace(SECURITY_TOKEN, (match, name: string) => {
    // A token is base64: the punctuation of the text after it (`…).`, `…<br>`) is shown.
    const [, after] = splitSecret(match.slice(name.length), 'x-amz-security-token');
    return `${name}${replacement}${after}`;
  });
}
