import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compiledScript } from '../../support/compiledScript.js';

const root = join(__dirname, '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const built = join(root, 'dist', 'cjs', 'cli', 'main.js');
const cli = (): string[] => [compiledScript(join(root, 'src', 'cli', 'main.ts'))];

function run(command: string, args: string[]) {
  return spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, KINESIS_ENDPOINT: '' },
  });
}

describe('rxjs-kinesis demo', () => {
  it('produces and consumes every item on the embedded Kinesis with limits on', () => {
    // Through tsx, as `npm run demo` runs it.
    const result = run(tsx, ['src/cli/main.ts', 'demo', '-n', '3000', '-p', 'json', '--shards', '2']);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.stdout).toMatch(/with AWS limits/);
    expect(result.stdout).toMatch(/result\s+OK: produced == consumed \(3,000\)/);
    expect(result.stdout).toMatch(/consumed\s+3,000 items/);
    expect(result.status).toBe(0);
  }, 120_000);

  it('stops both sides at --timeout and says so, with exit status 1', () => {
    // 60,000 records take one shard with the limits on a minute: the timeout comes first.
    const started = Date.now();
    const result = run(process.execPath, [
      ...cli(),
      'demo',
      '-n',
      '60000',
      '--shards',
      '1',
      '-p',
      'json',
      '--timeout',
      '2',
    ]);
    expect(result.stdout).toMatch(
      /^result\s+FAILED: timed out after 2 s \(produced [\d,]+, consumed [\d,]+\)$/m,
    );
    expect(result.status).toBe(1);
    // Producing stopped too: it went on to the last item before (a minute and more).
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 120_000);

  it('rejects a bad flag with one line and exit status 2', () => {
    const result = run(process.execPath, [...cli(), 'demo', '--records', 'many']);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'error: invalid --records "many": expected an integer from 1 to 1000000.',
    );
  }, 60_000);

  (existsSync(built) ? it : it.skip)(
    'runs from the built binary (npm run build first)',
    () => {
      const result = run(process.execPath, [built, 'demo', '-n', '1000', '-p', 'kpljson']);
      expect(result.stdout).toMatch(/result\s+OK: produced == consumed \(1,000\)/);
      expect(result.status).toBe(0);
    },
    120_000,
  );
});
