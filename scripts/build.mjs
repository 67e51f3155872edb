// Builds dist/esm (ES modules), dist/cjs (CommonJS) and dist/types (declarations) with tsc.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const run = (...args) =>
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run('--outDir', 'dist/esm', '--module', 'ES2022', '--moduleResolution', 'Bundler');
run('--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10');
run('--outDir', 'dist/types', '--declaration', '--emitDeclarationOnly', '--sourceMap', 'false');
mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
const bin = 'dist/cjs/cli/main.js';
if (existsSync(bin)) chmodSync(bin, 0o755);
