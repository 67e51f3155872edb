// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with tsc, each with its own declarations
// (.d.ts next to the .js they describe, so TypeScript reads each in the right module format).
// The browser entry (dist/*/browser/index.js) is then rebuilt with esbuild: one module holding the
// library's browser code (platform modules swapped for their .browser.ts stand-ins, no Node
// built-ins), importing its dependencies (rxjs, the AWS SDK) by name.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const { browserPlatformPlugin, browserEntry } = require('./browserPlatform.cjs');
const tsc = require.resolve('typescript/bin/tsc');
const run = (...args) =>
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--declaration', ...args], {
    stdio: 'inherit',
  });

rmSync('dist', { recursive: true, force: true });
run('--outDir', 'dist/esm', '--module', 'ES2022', '--moduleResolution', 'Bundler');
run('--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10');
mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
// ES modules have no `require`: give optional peers (ioredis, kinesalite) one that resolves from here.
copyFileSync('scripts/moduleRequire.esm.js', 'dist/esm/optional/moduleRequire.js');
rmSync('dist/esm/optional/moduleRequire.js.map', { force: true });
const bin = 'dist/cjs/cli/main.js';
if (existsSync(bin)) chmodSync(bin, 0o755);
// tsc's per-file output of src/browser is replaced by the bundle (its .d.ts files stay: the
// bundle's declarations).
for (const dir of ['dist/esm/browser', 'dist/cjs/browser']) {
  for (const file of readdirSync(dir)) {
    if (/\.js(\.map)?$/.test(file)) rmSync(`${dir}/${file}`);
  }
}
for (const [format, outfile] of [
  ['esm', 'dist/esm/browser/index.js'],
  ['cjs', 'dist/cjs/browser/index.js'],
]) {
  await esbuild.build({
    entryPoints: [browserEntry],
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format,
    outfile,
    packages: 'external',
    plugins: [browserPlatformPlugin],
    sourcemap: true,
    logLevel: 'warning',
  });
}
