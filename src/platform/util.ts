/**
 * Value inspection: on Node, node:util's `types`. The browser build replaces this module with
 * util.browser.ts.
 */
import { types as nodeTypes } from 'node:util';

export const types = nodeTypes;
