/**
 * Hashing for the library's own code: on Node, node:crypto itself. The browser build replaces
 * this module with crypto.browser.ts (MD5 in plain TypeScript), selected by the build, so code
 * that hashes imports from here and never from node:crypto.
 */
import { createHash as nodeCreateHash, hash as nodeHash } from 'node:crypto';

// Plain constants rather than re-exports: CommonJS output reads them without a getter per call.
export const createHash = nodeCreateHash;
export const hash = nodeHash;
