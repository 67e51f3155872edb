#!/usr/bin/env node
// Size of the browser producer as an application ships it: an entry using toKinesis() and
// jsonProcessor() from rxjs-kinesis/browser, bundled and minified with esbuild for the browser,
// then gzipped. Three figures: without the AWS SDK (@aws-sdk/*, @smithy/*: the README's figure),
// the library alone (rxjs external too), and everything (SDK included).
// Usage: node scripts/browser-bundle-size.mjs [--json]
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const { browserPlatformPlugin, browserEntry, root } = require('./browserPlatform.cjs');

const ENTRY = `export { toKinesis, jsonProcessor } from ${JSON.stringify(browserEntry)};`;
const SDK = ['@aws-sdk/*', '@smithy/*'];
const variants = [
  { name: 'producer without the AWS SDK', external: SDK },
  { name: 'library alone (rxjs and the AWS SDK external)', external: [...SDK, 'rxjs'] },
  { name: 'everything (AWS SDK included)', external: [] },
];

const results = [];
for (const variant of variants) {
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'producer-entry.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    external: variant.external,
    plugins: [browserPlatformPlugin],
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  results.push({
    name: variant.name,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results));
} else {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const { name, minifiedBytes, gzipBytes } of results) {
    console.log(
      `${name.padEnd(48)} ${kb(minifiedBytes).padStart(9)} minified ${kb(gzipBytes).padStart(9)} gzip`,
    );
  }
}
