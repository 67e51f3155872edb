// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with tsc, each with its own declarations
// (.d.ts next to the .js they describe, so TypeScript reads each in the right module format).
// The browser entry (dist/*/browser/index.js) is then rebuilt with esbuild (scripts/browserBuild.cjs):
// platform modules swapped for their .browser.ts stand-ins, no Node built-ins, dependencies
// (rxjs, the AWS SDK) imported by name; ES modules one per source file, CommonJS one module.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { buildBrowserEntry } = require('./browserBuild.cjs');
const { writeFormatManifests } = require('./distManifests.cjs');
const tsc = require.resolve('typescript/bin/tsc');
const run = (...args) =>
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--declaration', ...args], {
    stdio: 'inherit',
  });

rmSync('dist', { recursive: true, force: true });
run('--outDir', 'dist/esm', '--module', 'ES2022', '--moduleResolution', 'Bundler');
run('--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10');
writeFormatManifests('dist');
// ES modules have no `require`: give optional peers (ioredis, kinesalite) one that resolves from here.
copyFileSync('scripts/moduleRequire.esm.js', 'dist/esm/optional/moduleRequire.js');
rmSync('dist/esm/optional/moduleRequire.js.map', { force: true });
const bin = 'dist/cjs/cli/main.js';
if (existsSync(bin)) chmodSync(bin, 0o755);
// tsc's per-file output of src/browser is replaced by the browser build (scripts/browserBuild.cjs).
await buildBrowserEntry('dist');
