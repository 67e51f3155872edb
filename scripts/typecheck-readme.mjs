// Typechecks every ```ts block of README.md, each as its own module, against the sources
// (`rxjs-kinesis`, `rxjs-kinesis/local`, `rxjs-kinesis/nestjs`, `rxjs-kinesis/testing` and `rxjs-kinesis/browser` resolve to src/). Names the
// snippets leave to the application come from scripts/readme-snippet-globals.d.ts. Errors are
// reported as README.md:line.
// The README promises that the snippets compile unchanged in a CommonJS project as in an ES module
// one: they are compiled as CommonJS (`"module": "commonjs"`, `"moduleResolution": "node"`, as a
// NestJS project is set up), which refuses top-level `await`, and refused when they use what only
// CommonJS has (`require`, `__dirname`, `__filename`, `export =`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
const blocks = [];
for (let i = 0; i < lines.length; i++) {
  if (lines[i].trim() !== '```ts') continue;
  const start = i + 1;
  let end = start;
  while (end < lines.length && lines[end].trim() !== '```') end++;
  blocks.push({ start, code: lines.slice(start, end).join('\n') });
  i = end;
}
if (blocks.length === 0) {
  console.error('README.md has no ```ts block');
  process.exit(1);
}

const commonJsOnly =
  /\brequire\s*\(|\b__dirname\b|\b__filename\b|^\s*export\s*=|\bimport\s+\w+\s*=\s*require\b/;
const esmProblems = blocks.flatMap((block) =>
  block.code
    .split('\n')
    .flatMap((line, index) =>
      commonJsOnly.test(line)
        ? [`README.md:${block.start + index + 1}: CommonJS only (not in an ES module): ${line.trim()}`]
        : [],
    ),
);
if (esmProblems.length > 0) {
  console.error(esmProblems.join('\n'));
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'readme-ts-'));
try {
  const files = blocks.map((block, index) => {
    const file = `block-${index + 1}.ts`;
    writeFileSync(join(dir, file), `${block.code}\nexport {};\n`);
    return file;
  });
  copyFileSync(join(root, 'scripts/readme-snippet-globals.d.ts'), join(dir, 'globals.d.ts'));
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'CommonJS',
      moduleResolution: 'Node10',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      baseUrl: root,
      paths: {
        'rxjs-kinesis': ['src/index.ts'],
        'rxjs-kinesis/local': ['src/local/index.ts'],
        'rxjs-kinesis/nestjs': ['src/nestjs/index.ts'],
        'rxjs-kinesis/testing': ['src/testing/index.ts'],
        'rxjs-kinesis/browser': ['src/browser/index.ts'],
        '*': ['node_modules/*'],
      },
    },
    files: ['globals.d.ts', ...files],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    console.log(`README.md: ${blocks.length} TypeScript blocks typecheck`);
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    const mapped = output.replace(/[^\s]*block-(\d+)\.ts\((\d+),(\d+)\)/g, (_, block, line, column) => {
      const readmeLine = blocks[Number(block) - 1].start + Number(line);
      return `README.md:${readmeLine}:${column}`;
    });
    console.error(mapped.trim());
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
