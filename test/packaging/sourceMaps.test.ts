// The source maps the build writes next to dist/**/*.js go into the package: each must carry the
// sources it maps to, or name files the package holds. A map pointing at files left out of the
// tarball makes bundlers warn for every module (Vite: "Sourcemap ... points to missing source
// files") and debuggers show nothing.
import { readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

/** The maps tsc writes for `file` (a module of src/) with tsconfig.build.json's options. */
function emittedMaps(file: string, outDir: string): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('cannot read tsconfig.build.json');
  const program = ts.createProgram([join(root, 'src', file)], { ...config.options, outDir });
  const maps = new Map<string, string>();
  program.emit(program.getSourceFile(join(root, 'src', file)), (name, text) => {
    if (name.endsWith('.map')) maps.set(name, text);
  });
  return maps;
}

/** Whether the package's `files` take `path` (relative to the package root, posix). */
function packed(path: string): boolean {
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  return files.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

it('the source maps of dist carry their sources or name packed files', () => {
  const outDir = join(root, 'dist', 'esm');
  const maps = emittedMaps('version.ts', outDir);
  expect(maps.size).toBeGreaterThan(0);
  const missing: string[] = [];
  for (const [name, text] of maps) {
    const map = JSON.parse(text) as {
      sources: string[];
      sourceRoot?: string;
      sourcesContent?: (string | null)[];
    };
    map.sources.forEach((source, index) => {
      if (typeof map.sourcesContent?.[index] === 'string') return;
      const target = relative(root, join(dirname(name), map.sourceRoot ?? '', source))
        .split(/[\\/]/)
        .join(posix.sep);
      if (!packed(target)) missing.push(`${relative(root, name)} -> ${target}`);
    });
  }
  expect(missing).toEqual([]);
});
