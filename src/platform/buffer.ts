/**
 * Byte buffers for the library's own code: on Node, node:buffer's Buffer. The browser build
 * replaces this module with buffer.browser.ts (Uint8Array with the few Buffer methods the
 * processors use), selected by the build, so producer and processor code imports Buffer from
 * here and never relies on the Node global.
 */
import { Buffer as NodeBuffer } from 'node:buffer';

// A plain constant rather than a re-export: CommonJS output reads it without a getter per call.
export const Buffer = NodeBuffer;
export type Buffer = NodeBuffer;
