// A Node application bundled into CommonJS (esbuild --format=cjs, as AWS CDK bundles a Lambda
// function) takes rxjs-kinesis's ES module build when it `import`s it. The bundler leaves
// `import.meta` empty there: the module that loads optional peers must still load, and load them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-cjs-bundle-'));
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

it("dist/esm's moduleRequire, bundled into CommonJS, loads and requires packages", () => {
  const entry = join(work, 'entry.mjs');
  writeFileSync(
    entry,
    `import { moduleRequire } from ${JSON.stringify(join(root, 'scripts', 'moduleRequire.esm.js'))};\n` +
      `console.log(moduleRequire('node:path').sep, typeof moduleRequire('node:events'));\n`,
  );
  const outfile = join(work, 'bundle.cjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 60_000 });
  expect({
    status: run.status,
    stdout: run.stdout.trim(),
    stderr: run.stderr.split('\n').slice(0, 6).join('\n'),
  }).toEqual({
    status: 0,
    stdout: `${sep} function`,
    stderr: '',
  });
});
