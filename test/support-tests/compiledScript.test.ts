import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledScript, treeKey } from '../support/compiledScript.js';

describe('treeKey', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tree-key-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('changes with a file’s content, even at the same size and modification time', () => {
    const file = join(root, 'src', 'a.ts');
    const before = treeKey(root, ['src/a.ts']);
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'export const a = 2;\n');
    utimesSync(file, atime, mtime);
    expect(treeKey(root, ['src/a.ts'])).not.toBe(before);
    writeFileSync(file, 'export const a = 1;\n');
    expect(treeKey(root, ['src/a.ts'])).toBe(before);
  });

  it('changes when a file is added, and with tsconfig.json and package.json', () => {
    const before = treeKey(root, ['src/a.ts']);
    writeFileSync(join(root, 'src', 'b.ts'), '');
    expect(treeKey(root, ['src/a.ts', 'src/b.ts'])).not.toBe(before);
    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": {} }');
    const withTsconfig = treeKey(root, ['src/a.ts']);
    expect(withTsconfig).not.toBe(before);
    writeFileSync(join(root, 'package.json'), '{ "type": "commonjs" }');
    expect(treeKey(root, ['src/a.ts'])).not.toBe(withTsconfig);
  });
});

describe('compiledScript', () => {
  it('refuses what it does not compile: test files, files outside src/ and test/', () => {
    const root = join(__dirname, '..', '..');
    expect(() => compiledScript(__filename)).toThrow(/not a TypeScript module under src\/ or test\//);
    expect(() => compiledScript(join(root, 'examples', 'quick-start.ts'))).toThrow(/not a TypeScript module/);
    expect(() => compiledScript(join(root, 'src', 'index.d.ts'))).toThrow(/not a TypeScript module/);
  });

  it('leaves out tmp- directories, where tests keep files only while they run', () => {
    const root = join(__dirname, '..', '..');
    const passing = join(root, 'test', 'examples', 'tmp-quickstart-x', 'quickStart.ts');
    expect(() => compiledScript(passing)).toThrow(/not a TypeScript module/);
  });
});
