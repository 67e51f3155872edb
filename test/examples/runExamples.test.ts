import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** The runnable examples, each against the embedded Kinesis it starts itself. */
const examples = [
  'examples/produce.ts',
  'examples/consume-with-checkpoints.ts',
  'examples/consumer-group.ts', // REDIS_URL, or a redis-server on PATH
  'examples/cross-language.ts',
  'examples/dynamodb-group.ts', // DYNAMODB_ENDPOINT, or dynalite in process
  'examples/nestjs/main.ts',
];

describe('examples', () => {
  it.each(examples)(
    '%s runs to completion with exit status 0',
    (example) => {
      const result = spawnSync(tsx, [example], {
        cwd: root,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, KINESIS_ENDPOINT: '' },
      });
      if (result.status !== 0) throw new Error(`${example} exited ${result.status}:\n${result.stderr}`);
      expect(result.stdout.length).toBeGreaterThan(0);
    },
    100_000,
  );
});
