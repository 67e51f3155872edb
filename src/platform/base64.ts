/**
 * Standard base64 (with padding) of bytes: on Node, node:buffer's encoder. The browser build
 * replaces this module with base64.browser.ts.
 */
import { Buffer } from 'node:buffer';

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
