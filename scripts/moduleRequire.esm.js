// The ES module build's dist/esm/optional/moduleRequire.js (scripts/build.mjs copies this file
// there, in place of src/optional/moduleRequire.ts): a CommonJS `require` that resolves from this
// package's location, which optional peers (ioredis, kinesalite) are loaded with.
/* global require -- only read where a bundler made this module CommonJS */
import { createRequire } from 'node:module';

// A bundler that turns this module into CommonJS (esbuild --format=cjs, as AWS CDK bundles Lambda
// functions) leaves `import.meta` empty: the bundle's own `require` then loads the peers, from
// where the bundle runs. Failing here would fail every import of rxjs-kinesis.
export const moduleRequire =
  typeof import.meta.url === 'string'
    ? createRequire(import.meta.url)
    : typeof require === 'function'
      ? require
      : createRequire(`${process.cwd()}/`);
