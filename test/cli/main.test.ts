import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { linesOf, REPO_ROOT, runCli } from './runCli.js';

const BUILT = join(REPO_ROOT, 'dist/cjs/cli/main.js');
const ifBuilt = existsSync(BUILT) ? it : it.skip;

describe('rxjs-kinesis', () => {
  it('lists every command in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.length > 100)).toEqual([]);
    for (const command of ['demo', 'local', 'bench', 'put', 'tail']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      // One style: every description starts in lower case.
      expect(result.stdout).toMatch(new RegExp(`^  ${command} [^\\n]*?  +[a-z]`, 'm'));
    }
  });

  it.each(['demo', 'local', 'bench', 'put', 'tail'])('%s --help shows examples', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Examples:\\n  .*rxjs-kinesis ${command}\\b`, 'm'));
    // An empty list is no default worth showing.
    expect(result.stdout).not.toContain('(default: [])');
    expect(result.stdout.split('\n').filter((line) => line.length > 100)).toEqual([]);
  });

  it('with no command prints the help to stderr and exits with status 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(linesOf(result.stderr)[0]).toBe('Usage: rxjs-kinesis [options] [command]');
    expect(result.stderr).toMatch(/^ {2}tail \[options\] <stream>/m);
  });

  it.each([
    [
      ['tail', 'orders', '--limit', '0'],
      'error: invalid --limit "0": expected a positive integer, e.g. 100.',
    ],
    [
      ['put', 'bad name'],
      'error: invalid <stream> "bad name": expected a stream name (1 to 128 of a-z A-Z 0-9 _ . -) or a stream ARN.',
    ],
    // 2^32 was taken, and acted as seed 0 (the generator's state has 32 bits).
    [
      ['local', '--seed', '4294967296'],
      'error: invalid --seed "4294967296": expected an integer from -2147483648 to 4294967295.',
    ],
  ])('names a refused value once, in one line: %j', async (args, line) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual([line, `(run rxjs-kinesis ${args[0]} --help for usage)`]);
  });

  it('exits with status 2 on an unknown command', async () => {
    const result = await runCli(['nope']);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)[0]).toMatch(/^error: unknown command 'nope'/);
  });

  // CI builds before it tests; locally, run `npm run build` first or this is skipped.
  ifBuilt('runs as the built binary (dist/cjs/cli/main.js; skipped when not built)', async () => {
    const result = await runCli(['bench', '--dry-run', '--json', '-n', '200', '-p', 'json', 'kplmsgpack'], {
      script: BUILT,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { runs: { processor: string; items: number }[] };
    expect(report.runs.map((run) => [run.processor, run.items])).toEqual([
      ['jsonProcessor', 200],
      ['kplMsgpackProcessor', 200],
    ]);
    const bad = await runCli(['tail', 's', '--limit', '0'], { script: BUILT });
    expect(bad.code).toBe(2);
  });
});
