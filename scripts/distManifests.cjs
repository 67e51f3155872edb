// The package.json files of dist/esm and dist/cjs: each says its module format, and that its
// modules have no side effects. A bundler reads `sideEffects` from the package.json nearest to a
// module, so without it there the package's own `sideEffects: false` would count for nothing and
// an application would carry every module the entry names. CommonJS so that scripts/build.mjs
// and the browser tests share it.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/** Writes `<distDir>/esm/package.json` and `<distDir>/cjs/package.json`. */
function writeFormatManifests(distDir) {
  for (const [dir, type] of [
    ['esm', 'module'],
    ['cjs', 'commonjs'],
  ]) {
    mkdirSync(path.join(distDir, dir), { recursive: true });
    writeFileSync(
      path.join(distDir, dir, 'package.json'),
      JSON.stringify({ type, sideEffects: false }) + '\n',
    );
  }
}

module.exports = { writeFormatManifests };
