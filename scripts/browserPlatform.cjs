// The browser build of rxjs-kinesis: an esbuild plugin that replaces each platform module
// (src/platform/<name>.ts, Node built-ins) with its browser stand-in (<name>.browser.ts) where
// one exists. Used by scripts/build.mjs (dist/*/browser), scripts/browser-bundle-size.mjs and
// the browser tests. CommonJS so that both the .mjs scripts and the TypeScript tests load it.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const platformDir = path.join(root, 'src', 'platform');
const browserEntry = path.join(root, 'src', 'browser', 'index.ts');

/** esbuild plugin: `src/platform/x.js` imports resolve to `src/platform/x.browser.ts` if it exists. */
const browserPlatformPlugin = {
  name: 'rxjs-kinesis-browser-platform',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\/.*\.js$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '');
      if (path.dirname(resolved) !== platformDir || resolved.endsWith('.browser')) return undefined;
      const browser = `${resolved}.browser.ts`;
      return existsSync(browser) ? { path: browser } : undefined;
    });
  },
};

module.exports = { browserPlatformPlugin, browserEntry, root };
