/**
 * Whether bytes are valid UTF-8: on Node, node:buffer's isUtf8. The browser build replaces this
 * module with isUtf8.browser.ts (TextDecoder with `fatal: true`).
 */
export { isUtf8 } from 'node:buffer';
