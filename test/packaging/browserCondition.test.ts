// Case: a bundler resolving `rxjs-kinesis` for a browser (esbuild, webpack or Vite for the web)
// got the Node build, and failed on a Node built-in (`Could not resolve "node:crypto"`), or, where
// the bundler stubs built-ins, at run time on something unrelated. The root now has a `browser`
// condition whose module names the mistake: the Node library is not the browser build, which is
// `rxjs-kinesis/browser` (a producer with its own options and types, not the root's API). Checked
// with esbuild against the package's own exports map and dist manifests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildSync, transformSync, type BuildOptions } from 'esbuild';
import { NODE_ENTRY_IN_BROWSER } from '../../src/nodeEntryInBrowserMessage.js';

const root = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFormatManifests } = require('../../scripts/distManifests.cjs') as {
  writeFormatManifests: (distDir: string) => void;
};
let work: string;

/** A copy of the package as installed: its package.json and manifests, dist modules that say which they are. */
function installPackage(into: string): void {
  writeFileSync(join(into, 'package.json'), readFileSync(join(root, 'package.json')));
  const dist = join(into, 'dist');
  writeFormatManifests(dist);
  const compiled = (name: string, format: 'esm' | 'cjs'): string => {
    const source = readFileSync(join(root, 'src', `${name}.ts`), 'utf8');
    return transformSync(source, { loader: 'ts', format }).code;
  };
  const files: Record<string, string> = {
    'esm/nodeEntryInBrowser.js': compiled('nodeEntryInBrowser', 'esm'),
    'cjs/nodeEntryInBrowser.js': compiled('nodeEntryInBrowser', 'cjs'),
    'esm/nodeEntryInBrowserMessage.js': compiled('nodeEntryInBrowserMessage', 'esm'),
    'cjs/nodeEntryInBrowserMessage.js': compiled('nodeEntryInBrowserMessage', 'cjs'),
    'esm/index.js': "export const toKinesis = () => 'node';\n",
    'cjs/index.js': "exports.toKinesis = () => 'node';\n",
    'esm/browser/index.js': "export const toKinesis = () => 'browser';\n",
    'cjs/browser/index.js': "exports.toKinesis = () => 'browser';\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    writeFileSync(join(dist, file), text);
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-browser-condition-'));
  const installed = join(work, 'store', 'rxjs-kinesis');
  mkdirSync(installed, { recursive: true });
  installPackage(installed);
  mkdirSync(join(work, 'app', 'node_modules'), { recursive: true });
  symlinkSync(installed, join(work, 'app', 'node_modules', 'rxjs-kinesis'), 'dir');
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** esbuild's bundle of an app entry, or its errors' texts. */
function bundle(code: string, options: BuildOptions): { code?: string; errors?: string[] } {
  const entry = join(work, 'app', `entry-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, code);
  try {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      write: false,
      logLevel: 'silent',
      preserveSymlinks: false,
      ...options,
    });
    return { code: result.outputFiles?.[0]?.text ?? '' };
  } catch (error) {
    const { errors } = error as { errors: { text: string; location?: { file?: string } }[] };
    return { errors: errors.map(({ text }) => text) };
  }
}

/** What running a bundle gives: its `result`, or the message it throws. */
function run(code: string): unknown {
  const context: { result?: unknown } = {};
  try {
    runInNewContext(code, context);
    return context.result;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('bundled for a browser', () => {
  const browser: BuildOptions = { platform: 'browser', format: 'iife' };

  test('a name imported from the root fails the build, naming the module that says why', () => {
    const { errors } = bundle(
      "import { toKinesis } from 'rxjs-kinesis';\nglobalThis.result = toKinesis();\n",
      browser,
    );
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatch(/No matching export in ".*nodeEntryInBrowser\.js" for import "toKinesis"/);
  });

  test.each([
    [
      'imported whole',
      "import * as kinesis from 'rxjs-kinesis';\nglobalThis.result = Object.keys(kinesis);\n",
    ],
    ['imported for its effects', "import 'rxjs-kinesis';\nglobalThis.result = 'loaded';\n"],
    ['required', "const kinesis = require('rxjs-kinesis');\nglobalThis.result = typeof kinesis;\n"],
  ])('the root %s builds, and the bundle fails with the message (not tree-shaken away)', (_case, code) => {
    const built = bundle(code, browser);
    expect(built.errors).toBeUndefined();
    expect(run(built.code ?? '')).toBe(NODE_ENTRY_IN_BROWSER);
  });

  test('rxjs-kinesis/browser is the browser build', () => {
    const built = bundle(
      "import { toKinesis } from 'rxjs-kinesis/browser';\nglobalThis.result = toKinesis();\n",
      browser,
    );
    expect(run(built.code ?? '')).toBe('browser');
  });
});

test.each([
  ['ES module', 'esm'],
  ['CommonJS', 'cjs'],
] as const)('bundled for Node (%s), the root is the Node build', (_case, format) => {
  const built = bundle("import { toKinesis } from 'rxjs-kinesis';\nglobalThis.result = toKinesis();\n", {
    platform: 'node',
    format: format === 'esm' ? 'iife' : 'cjs',
    ...(format === 'cjs' ? { mainFields: ['main'], conditions: ['require'] } : {}),
  });
  expect(run(built.code ?? '')).toBe('node');
});

test('the message says what to import instead', () => {
  expect(NODE_ENTRY_IN_BROWSER).toContain("import the producer from 'rxjs-kinesis/browser'");
});
