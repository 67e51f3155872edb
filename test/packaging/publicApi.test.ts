// The README's "Public API" section lists every export of each entry point: adding or removing an
// export without updating that list (a promise to users) fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

const ENTRY_POINTS: Record<string, string> = {
  'rxjs-kinesis': 'src/index.ts',
  'rxjs-kinesis/local': 'src/local/index.ts',
  'rxjs-kinesis/nestjs': 'src/nestjs/index.ts',
  'rxjs-kinesis/testing': 'src/testing/index.ts',
  'rxjs-kinesis/browser': 'src/browser/index.ts',
};

/** One program over every entry point (created on first use): their files are parsed once. */
let program: ts.Program | undefined;

function exportedNames(file: string): string[] {
  const path = join(root, file);
  program ??= ts.createProgram(
    Object.values(ENTRY_POINTS).map((entry) => join(root, entry)),
    {
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path);
  if (source === undefined) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => symbol.name)
    .sort();
}

/** Names in backticks under each "### `entry`" heading of the README's "## Public API" section. */
function documentedNames(): Map<string, string[]> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Public API\n');
  if (start < 0) throw new Error('README.md has no "## Public API" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const lists = new Map<string, string[]>();
  for (const part of section.split('\n### ').slice(1)) {
    const heading = /^`([^`]+)`/.exec(part);
    if (heading === null) continue;
    const body = part.slice(part.indexOf('\n'));
    const names = [...body.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((match) => match[1] as string);
    lists.set(heading[1] as string, [...new Set(names)].sort());
  }
  return lists;
}

describe('public API', () => {
  const documented = documentedNames();

  it('documents exactly the entry points the package has', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ENTRY_POINTS).sort());
  });

  for (const [entry, file] of Object.entries(ENTRY_POINTS)) {
    it(`${entry} exports exactly what the README lists`, () => {
      const exported = exportedNames(file);
      const listed = documented.get(entry) ?? [];
      expect({
        exportedButNotListed: exported.filter((name) => !listed.includes(name)),
        listedButNotExported: listed.filter((name) => !exported.includes(name)),
      }).toEqual({ exportedButNotListed: [], listedButNotExported: [] });
    });
  }
});
