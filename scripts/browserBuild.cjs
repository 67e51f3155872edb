// The browser entry of the package (dist/*/browser), built with esbuild from
// src/browser/index.ts with the browser platform modules. CommonJS so that scripts/build.mjs and
// the browser tests share it.
'use strict';
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { browserPlatformPlugin, browserEntry, root } = require('./browserPlatform.cjs');

const srcDir = path.join(root, 'src');
/** Where the ES modules of the browser entry go, under dist/esm/browser. */
const MODULES = 'modules';

/**
 * esbuild plugin: every relative import stays an import of the file it names, a platform module's
 * browser stand-in (`./buffer.browser.js`) under the plain name it is written to (`./buffer.js`).
 */
const keepRelativeImports = {
  name: 'rxjs-kinesis-keep-relative-imports',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\/.*\.js$/ }, (args) => ({
      path: args.path.replace(/\.browser\.js$/, '.js'),
      external: true,
    }));
  },
};

/** The source files the browser entry is made of (platform modules: their .browser.ts). */
async function browserSources() {
  const { metafile } = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [browserEntry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    packages: 'external',
    plugins: [browserPlatformPlugin],
    logLevel: 'warning',
  });
  return Object.keys(metafile.inputs)
    .map((input) => path.resolve(root, input))
    .filter((file) => file.startsWith(srcDir + path.sep));
}

/** Removes tsc's JavaScript output from `dir` (its .d.ts files stay: the entry's declarations). */
function removeJavaScript(dir) {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) {
    if (/\.js(\.map)?$/.test(file)) rmSync(path.join(dir, file));
  }
  rmSync(path.join(dir, MODULES), { recursive: true, force: true });
}

/**
 * Writes the browser entry into `distDir`, replacing tsc's output of src/browser there:
 * - esm/browser/index.js: ES modules, one per source file (esm/browser/modules/, the platform
 *   modules being their browser stand-ins), so that an application's bundler keeps only what the
 *   application uses (package.json's `sideEffects: false`) as it does from the sources;
 * - cjs/browser/index.js: one CommonJS module holding the library's browser code.
 * Both import their dependencies (rxjs, the AWS SDK) by name.
 */
async function buildBrowserEntry(distDir) {
  distDir = path.resolve(distDir);
  const esmDir = path.join(distDir, 'esm', 'browser');
  const cjsDir = path.join(distDir, 'cjs', 'browser');
  removeJavaScript(esmDir);
  removeJavaScript(cjsDir);
  const sources = await browserSources();
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: sources.map((file) => ({
      in: file,
      out: path.relative(srcDir, file).replace(/(\.browser)?\.ts$/, ''),
    })),
    outdir: path.join(esmDir, MODULES),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    packages: 'external',
    plugins: [keepRelativeImports],
    tsconfig: path.join(root, 'tsconfig.build.json'),
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(path.join(esmDir, 'index.js'), `export * from './${MODULES}/browser/index.js';\n`);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [browserEntry],
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'cjs',
    outfile: path.join(cjsDir, 'index.js'),
    packages: 'external',
    plugins: [browserPlatformPlugin],
    tsconfig: path.join(root, 'tsconfig.build.json'),
    sourcemap: true,
    logLevel: 'warning',
  });
}

module.exports = { buildBrowserEntry };
