/**
 * Whether bytes are valid UTF-8: on Node, node:buffer's isUtf8. The browser build replaces this
 * module with isUtf8.browser.ts (TextDecoder with `fatal: true`).
 */
import { isUtf8 as nodeIsUtf8 } from 'node:buffer';

export const isUtf8 = nodeIsUtf8;
