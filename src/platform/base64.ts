/**
 * Standard base64 (with padding) of bytes: on Node, node:buffer's encoder. The browser build
 * replaces this module with base64.browser.ts.
 */
import { Buffer } from 'node:buffer';

export function toBase64(bytes: Uint8Array): string {
  // A Buffer encodes itself; wrapping a plain Uint8Array first costs about as much as encoding.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('base64');
}
