import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** What each example shows, checked on what it prints (the README's Examples table). */
const examples: ReadonlyArray<readonly [string, (stdout: string) => void]> = [
  [
    'examples/produce.ts',
    (stdout) => {
      // toKinesis(): one delivery report per event, each with its shard and sequence number.
      const reports = stdout.match(/^#\d+ -> shardId-\d+ \d+$/gm) ?? [];
      expect(new Set(reports.map((line) => line.split(' ')[0]))).toEqual(
        new Set(Array.from({ length: 50 }, (_, i) => `#${i}`)),
      );
      // Producer: send() resolves with the stored position; close() has flushed all 101 items.
      expect(stdout).toMatch(/^last event stored in shardId-\d+ at \d+$/m);
      expect(stdout).toMatch(/items: 101,/);
      expect(stdout).toMatch(/failures: 0/);
    },
  ],
  [
    'examples/consume-with-checkpoints.ts',
    (stdout) => {
      // Stop and resume without repeats: run 2 starts after run 1's checkpoints.
      const [, run1 = '', run2 = ''] = stdout.split(/^run \d$/m);
      const orders = (text: string) => [...text.matchAll(/ order (\d+)$/gm)].map((match) => Number(match[1]));
      expect(orders(run1)).toHaveLength(10);
      expect(orders(run2)).toHaveLength(10);
      expect(new Set([...orders(run1), ...orders(run2)]).size).toBe(20);
      expect(run1).toMatch(/checkpoint shardId-/);
    },
  ],
  [
    'examples/consumer-group.ts', // REDIS_URL, or a redis-server on PATH
    (stdout) => {
      expect(stdout).toMatch(/^300\/300 records processed, 0 processed twice$/m);
      // The three workers split the six shards between them.
      for (const worker of ['worker-1', 'worker-2', 'worker-3']) {
        expect(stdout).toMatch(new RegExp(`^${worker} holds shardId-\\d+`, 'm'));
      }
    },
  ],
  [
    'examples/cross-language.ts',
    (stdout) => {
      expect(stdout).toContain('item 0 of 2: { a: 1 }');
      expect(stdout).toContain('item 1 of 2: { b: 2 }');
      expect(stdout).toContain("sub-record 0, partition key user-a: { order: 1, item: 'café' }");
      expect(stdout).toContain("sub-record 2, partition key user-a: { order: 3, item: 'cake' }");
    },
  ],
  [
    'examples/dynamodb-group.ts', // DYNAMODB_ENDPOINT, or dynalite in process
    (stdout) => {
      expect(stdout).toMatch(/^processed 40 records, 40 distinct orders$/m);
      // Both workers took part, and the table is in the KCL's format.
      expect(stdout).toMatch(/^worker-1 shardId-/m);
      expect(stdout).toMatch(/^worker-2 shardId-/m);
      expect(stdout).toMatch(
        /^ {2}shardId-\d+ checkpoint=\d+ sub=9007199254740991 leaseCounter=\d+ leaseOwner=\(none\)/m,
      );
    },
  ],
  [
    'examples/test-your-pipeline.ts',
    (stdout) => {
      // The marble test on hand-made records and the run against the local Kinesis both passed.
      expect(stdout).toMatch(/^marble test: orders 2 and 3 pass, 1 and 4 are dropped$/m);
      expect(stdout).toMatch(/^local Kinesis test: orders 2 and 3 handled, checkpoint at order 3$/m);
    },
  ],
  [
    'examples/nestjs/main.ts',
    (stdout) => {
      // The event no handler matches and the failing handler both reach onDeadLetter; the orders
      // are handled.
      expect(stdout).toMatch(/^dead letter \(no-handler\): order\.shipped$/m);
      expect(stdout).toMatch(/^dead letter \(handler-failed\):/m);
      for (const orderId of ['o-1', 'o-2', 'o-3'])
        expect(stdout).toMatch(new RegExp(`^handled ${orderId} `, 'm'));
    },
  ],
];

describe('examples', () => {
  it.each(examples)(
    '%s runs to completion with exit status 0 and shows what it says',
    (example, check) => {
      const result = spawnSync(tsx, [example], {
        cwd: root,
        encoding: 'utf8',
        // consumer-group.ts starts three worker processes, each compiling TypeScript as it
        // starts: ~35 s on a loaded 2-core machine, over 90 s on a heavily loaded one.
        timeout: 180_000,
        env: { ...process.env, KINESIS_ENDPOINT: '' },
      });
      if (result.status !== 0) throw new Error(`${example} exited ${result.status}:\n${result.stderr}`);
      expect(result.stdout.length).toBeGreaterThan(0);
      check(result.stdout);
    },
    200_000,
  );
});
