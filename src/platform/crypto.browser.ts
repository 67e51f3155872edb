import { Buffer } from './buffer.browser.js';
import { md5, md5HexOfText } from './md5.js';

/**
 * The browser build's stand-in for crypto.ts: the part of node:crypto the library uses (MD5 of
 * bytes or of a string's UTF-8 bytes), on the plain-TypeScript md5().
 */

type HashInput = string | Uint8Array;

function bytesOf(data: HashInput): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function checkAlgorithm(algorithm: string): void {
  if (algorithm !== 'md5') throw new Error(`digest algorithm ${algorithm} is not available in this build`);
}

/** An MD5 hash that collects its input and digests it at once. */
export interface Md5Hash {
  update(data: HashInput, encoding?: 'utf8'): Md5Hash;
  digest(): Buffer;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: 'md5'): Md5Hash {
  checkAlgorithm(algorithm);
  const parts: Uint8Array[] = [];
  function digest(): Buffer;
  function digest(encoding: 'hex'): string;
  function digest(encoding?: 'hex'): Buffer | string {
    let input: Uint8Array;
    if (parts.length === 1) input = parts[0] as Uint8Array;
    else {
      input = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
      let offset = 0;
      for (const part of parts) {
        input.set(part, offset);
        offset += part.byteLength;
      }
    }
    const digested = Buffer.from(md5(input));
    return encoding === 'hex' ? digested.toString('hex') : digested;
  }
  const hasher: Md5Hash = {
    update(data) {
      parts.push(bytesOf(data));
      return hasher;
    },
    digest,
  };
  return hasher;
}

/** One-shot MD5 as hex digits (node:crypto's `hash('md5', text, 'hex')`). */
export function hash(algorithm: 'md5', data: HashInput, encoding: 'hex'): string {
  checkAlgorithm(algorithm);
  if (encoding !== 'hex')
    throw new Error(`digest encoding ${String(encoding)} is not available in this build`);
  return typeof data === 'string' ? md5HexOfText(data) : Buffer.from(md5(data)).toString('hex');
}
