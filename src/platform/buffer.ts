/**
 * Byte buffers for the library's own code: on Node, node:buffer's Buffer. The browser build
 * replaces this module with buffer.browser.ts (Uint8Array with the few Buffer methods the
 * processors use), selected by the build, so producer and processor code imports Buffer from
 * here and never relies on the Node global.
 */
export { Buffer } from 'node:buffer';
