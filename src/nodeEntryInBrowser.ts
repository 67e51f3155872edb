// What a bundler gets for `rxjs-kinesis` (the package's root) when it resolves it for a browser
// (the `browser` export condition: esbuild, webpack, Vite and Rollup for the web, Jest's jsdom
// environment). The root is the Node library (consumer, checkpointers, local Kinesis, NestJS);
// the browser build is a producer of its own, `rxjs-kinesis/browser`, with its own options and
// types. This module exports none of the library's names: a bundler refuses each one imported ("No
// matching export in …/nodeEntryInBrowser.js"), and a bundle that loads it anyway fails with
// NODE_ENTRY_IN_BROWSER rather than on a Node built-in.

import { NODE_ENTRY_IN_BROWSER } from './nodeEntryInBrowserMessage.js';

// Its one export makes it an ES module with exports, whose missing names a bundler refuses (of a
// module without any, esbuild only warns that they are undefined).
export { NODE_ENTRY_IN_BROWSER };

throw new Error(NODE_ENTRY_IN_BROWSER);
