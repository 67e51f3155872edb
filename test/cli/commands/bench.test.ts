import { PROCESSOR_CHOICES } from '../../../src/cli/parseFlags.js';
import { linesOf, runCli } from '../runCli.js';

const HEADER =
  '| Processor | Iteration | Item bytes | Kinesis bytes | Time (s) | Records/s | Item MB/s | Kinesis MB/s |';

function markdownRows(stdout: string): string[][] {
  return linesOf(stdout)
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && line !== HEADER)
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

describe('rxjs-kinesis bench', () => {
  it('--dry-run --markdown prints a table with a row per processor', async () => {
    const result = await runCli(['bench', '--dry-run', '--markdown', '-n', '2000']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(linesOf(result.stdout)).toContain(HEADER);
    const rows = markdownRows(result.stdout);
    expect(rows.map((row) => row[0])).toEqual(PROCESSOR_CHOICES.map((choice) => choice.label));
    for (const row of rows) {
      expect(row).toHaveLength(8);
      expect(row[1]).toBe('1');
      // 2,000 items of ~1 KiB: about 2.0 to 2.2 MB of items.
      expect(row[2]).toMatch(/^2\.[0-2] MB$/);
      expect(Number(row[4])).toBeGreaterThanOrEqual(0);
      expect(Number(row[5])).toBeGreaterThan(0);
    }
  });

  it('--json reports every iteration with the record counts of each format', async () => {
    const result = await runCli([
      'bench',
      '--dry-run',
      '--json',
      '-n',
      '500',
      '-s',
      '0.5',
      '-i',
      '2',
      '-p',
      'json',
      'jsonlist',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      settings: { records: number; dryRun: boolean };
      runs: {
        processor: string;
        iteration: number;
        items: number;
        itemBytes: number;
        kinesisRecords: number;
      }[];
    };
    expect(report.settings).toMatchObject({ records: 500, dryRun: true });
    expect(report.runs.map((run) => `${run.processor}#${run.iteration}`)).toEqual([
      'jsonProcessor#1',
      'jsonProcessor#2',
      'jsonListProcessor#1',
      'jsonListProcessor#2',
    ]);
    const [json, , list] = report.runs;
    expect(json).toMatchObject({ items: 500, kinesisRecords: 500 });
    // 500 items of ~512 bytes fit in one 1 MiB JSON list record.
    expect(list).toMatchObject({ items: 500, kinesisRecords: 1 });
    expect(json!.itemBytes).toBeGreaterThan(500 * 480);
    expect(json!.itemBytes).toBeLessThan(500 * 560);
  });

  it('writes to the embedded Kinesis with limits on and prints a row per processor', async () => {
    const result = await runCli(['bench', '-n', '300', '--shards', '1', '-p', 'json', 'kpljson', '-m', '-v']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('300 items of ~1 KiB, 1 shard on the embedded Kinesis with limits on');
    const rows = markdownRows(result.stdout).filter((row) => row[0] !== 'Processor');
    expect(rows.map((row) => row[0])).toEqual(['jsonProcessor', 'kplJsonProcessor']);
    // Verbose columns: Kinesis records, PutRecords calls, throttled entries.
    const [json, kpl] = rows as [string[], string[]];
    expect(json[8]).toBe('300');
    expect(Number(kpl[8])).toBeLessThan(5);
    expect(result.stderr).toMatch(/deleting stream rxjs-kinesis-bench-/);
  });

  it.concurrent.each([
    [['-n', 'abc'], /--records/],
    [['-n', '0'], /--records/],
    [['-s', '-1'], /--record-size-kb/],
    [['--shards', '1.5'], /--shards/],
    [['-i', 'x'], /--iterations/],
    [['-p', 'json', 'protobuf'], /invalid --processors "protobuf": unknown processor/],
    [['--endpoint', 'localhost:4567'], /--endpoint/],
    [['--region', 'EU'], /--region/],
    [['-m', '--json'], /cannot be used with/],
    [['--no-such-flag'], /unknown option/],
  ])('refuses %j with a one-line error and exit status 2', async (flags, message) => {
    const result = await runCli(['bench', '--dry-run', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, ...rest] = linesOf(result.stderr);
    expect(first).toMatch(/^error: /);
    expect(first).toMatch(message);
    expect(rest.filter((line) => !line.includes('--help'))).toEqual([]);
  });

  it('--help shows examples', async () => {
    const result = await runCli(['bench', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('--record-size-kb');
  });
});
