// Child processes of the tests run TypeScript entries (the command line, workers, fixtures) from
// JavaScript compiled ahead, instead of through tsx: tsx costs a loaded machine a second and more
// of CPU at every start. The whole of src/ and test/ (test files aside) is compiled file by file
// into CommonJS, as tsx and the shipped dist/cjs do, into a mirror tree under
// node_modules/.cache/ (where the package's dependencies still resolve). The tree is named after
// a hash of every compiled file's content, the compiler's version and options, tsconfig.json and
// package.json: an edited source makes a new tree, never a stale run. Built at most once, whoever
// asks first (buildOnce.ts).
import { buildSync, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { buildOnce } from './buildOnce.js';

const ROOT = resolve(__dirname, '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'rxjs-kinesis-compiled');
const SOURCE_DIRS = ['src', 'test'];
/** Trees no run has used for this long are removed when a new one is built. */
const UNUSED_LIMIT_MS = 60 * 60_000;

const OPTIONS = {
  format: 'cjs',
  platform: 'node',
  // tsconfig.json's target, as the build's tsc compiles to; its decorator settings apply too.
  target: 'es2022',
  logLevel: 'error',
} satisfies BuildOptions;

let tree: string | undefined;

/**
 * The JavaScript file to run in place of `entry`, a TypeScript file under src/ or test/ (not a
 * test file): spawn `node <it>` where `node --import tsx <entry>` ran. Compiles on first use.
 */
export function compiledScript(entry: string): string {
  const path = relative(ROOT, resolve(entry));
  if (!compiles(path)) throw new Error(`${entry} is not a TypeScript module under src/ or test/`);
  const compiled = join(compiledTree(), path.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) throw new Error(`${entry} has no compiled counterpart (${compiled})`);
  return compiled;
}

/** The directory of the compiled tree for the sources as they are now. */
function compiledTree(): string {
  if (tree === undefined) {
    const files = SOURCE_DIRS.flatMap((dir) => filesUnder(dir)).sort();
    const key = treeKey(ROOT, files);
    const dir = join(CACHE, key);
    mkdirSync(CACHE, { recursive: true });
    buildOnce(dir, (temporary) => {
      compile(files, temporary);
      removeUnused(key);
    });
    tree = dir;
  }
  // Marks the tree as in use (see removeUnused).
  const now = new Date();
  utimesSync(tree, now, now);
  return tree;
}

/**
 * The name of the tree compiled from `files` (paths relative to `root`): a hash of the compiler's
 * version and options, tsconfig.json, package.json and each file's path and content.
 */
export function treeKey(root: string, files: readonly string[]): string {
  const hash = createHash('sha256').update(`${esbuildVersion}\0${JSON.stringify(OPTIONS)}`);
  for (const file of ['tsconfig.json', 'package.json', ...files]) {
    const content = readFileSync(join(root, file));
    hash.update(`\0${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex').slice(0, 20);
}

function compile(files: readonly string[], outdir: string): void {
  buildSync({
    ...OPTIONS,
    entryPoints: files.map((file) => join(ROOT, file)),
    outdir,
    outbase: ROOT,
    tsconfig: join(ROOT, 'tsconfig.json'),
  });
  writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
  writeSelfReference(outdir);
}

/**
 * `import … from 'rxjs-kinesis'` (and its subpaths) in the tree resolves to the tree's own src/,
 * as tsconfig.json's paths and Jest's moduleNameMapper map it to src/ for the tests.
 */
function writeSelfReference(outdir: string): void {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const dir = join(outdir, 'node_modules', 'rxjs-kinesis');
  mkdirSync(dir, { recursive: true });
  const exports: Record<string, string> = {};
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath === './package.json') continue;
    const name = subpath === '.' ? 'index' : subpath.slice(2);
    const source = subpath === '.' ? 'src/index.js' : `src/${name}/index.js`;
    writeFileSync(join(dir, `${name}.js`), `module.exports = require('../../${source}');\n`);
    exports[subpath] = `./${name}.js`;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ exports }) + '\n');
}

/** Removes the trees (and leftovers of builds) no run has used for an hour. */
function removeUnused(keep: string): void {
  const limit = Date.now() - UNUSED_LIMIT_MS;
  for (const name of readdirSync(CACHE)) {
    if (name.startsWith(keep)) continue;
    const path = join(CACHE, name);
    try {
      if (statSync(path).mtimeMs < limit) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter(compiles);
}

/**
 * Whether `path` (relative to the repository) is compiled into the tree. Directories named `tmp-…`
 * are left out: tests write files there for the time they run (the README's quick start, for one),
 * and another test process building the tree meanwhile must neither hash nor compile a file that
 * may be gone a moment later.
 */
function compiles(path: string): boolean {
  const parts = path.split(sep);
  return (
    SOURCE_DIRS.includes(parts[0] ?? '') &&
    !parts.some((part) => part.startsWith('tmp-')) &&
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !path.endsWith('.test.ts')
  );
}
