import type { DigestOffload } from './DigestOffload.js';

/** The browser build's stand-in for md5Offload.ts: no thread, digests stay on the page's thread. */
export function createMd5Offload(): DigestOffload | undefined {
  return undefined;
}
