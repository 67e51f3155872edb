/**
 * Value inspection: on Node, node:util's `types`. The browser build replaces this module with
 * util.browser.ts.
 */
export { types } from 'node:util';
