/** The browser build's stand-in for base64.ts: btoa over the bytes as a binary string. */

/** Bytes per String.fromCharCode call: a multiple of 3, so chunks encode without padding between them. */
const CHUNK = 3 * 4096;

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    text += btoa(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  }
  return text;
}
