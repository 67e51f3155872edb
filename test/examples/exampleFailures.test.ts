import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The examples a user runs (`npx tsx examples/<name>.ts`), as the README's Examples table lists them. */
const entries = [
  ...readdirSync(join(root, 'examples'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `examples/${name}`),
  'examples/nestjs/main.ts',
];

/** How every example ends on a failure: one line on stderr, exit status 1. */
const FAILURE = [
  '(error: unknown) => {',
  '// A failure is one line on stderr and exit status 1, in every example.',
  'console.error(`example failed: ${String(error)}`);',
  'process.exit(1);',
  '}',
].join(' ');

const flat = (code: string): string => code.replace(/\s+/g, ' ');

describe('examples report a failure the same way', () => {
  it('lists every example of the README table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const entry of entries) expect(readme).toContain(`\`${entry.replace(/main\.ts$/, '')}\``);
  });

  it.each(entries)('%s hands its main promise to the one failure handler', (entry) => {
    const code = flat(readFileSync(join(root, entry), 'utf8'));
    // A bare `void main()` turns a failure into an unhandled-rejection stack.
    expect(code).not.toMatch(/void (main|worker)\(/);
    expect(code).not.toContain('console.error(error)');
    const handled = code.match(/\b(?:main\(\)|run)\.(?:catch\(|then\( \(\) => process\.exit\(0\), )/g) ?? [];
    expect(handled).toHaveLength(1);
    expect(code).toContain(FAILURE);
  });
});
