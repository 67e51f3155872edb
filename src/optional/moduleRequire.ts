/**
 * A CommonJS `require` that resolves from this package's own location. The ES module build
 * replaces this file with `createRequire(import.meta.url)` (see scripts/build.mjs).
 */
export const moduleRequire: NodeJS.Require = require;
