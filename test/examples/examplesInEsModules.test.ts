import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

/** Every TypeScript file of the examples a user copies into a project of their own. */
function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return exampleFiles(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

/** What exists only in a CommonJS module: it throws a ReferenceError in an ES module project. */
const COMMON_JS_ONLY =
  /\brequire\s*\(|\brequire\.resolve\b|\b__dirname\b|\b__filename\b|\bmodule\.exports\b|^\s*export\s*=|\bimport\s+\w+\s*=\s*require\b/;

describe('examples', () => {
  it.each(exampleFiles(join(root, 'examples')))(
    '%s runs in an ES module project as in a CommonJS one (nothing CommonJS only)',
    (file) => {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      const found = lines.flatMap((line, index) =>
        COMMON_JS_ONLY.test(line) && !/^\s*(\/\/|\*)/.test(line)
          ? [`${file}:${index + 1}: ${line.trim()}`]
          : [],
      );
      expect(found).toEqual([]);
    },
  );
});
