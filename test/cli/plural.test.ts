import { describeRun, describeSettings } from '../../src/cli/commands/benchReport.js';
import { printSummary } from '../../src/cli/commands/demoSummary.js';
import { counted, nounFor } from '../../src/cli/plural.js';

describe('counts on the command line', () => {
  it('singular for exactly 1, plural otherwise, thousands separated', () => {
    expect(counted(0, 'line')).toBe('0 lines');
    expect(counted(1, 'line')).toBe('1 line');
    expect(counted(2, 'line')).toBe('2 lines');
    expect(counted(1200, ['entry', 'entries'])).toBe('1,200 entries');
    expect(counted(1, ['entry', 'entries'])).toBe('1 entry');
    expect(nounFor(1, ['line delivered', 'lines delivered'])).toBe('line delivered');
  });

  it('bench: one item, record, shard, call and CPU are singular', () => {
    const run = {
      processor: 'jsonProcessor',
      iteration: 1,
      items: 1,
      itemBytes: 10,
      kinesisRecords: 1,
      kinesisBytes: 12,
      seconds: 0.5,
      putRecordsCalls: 1,
      throttled: 1,
      failed: 0,
    };
    expect(describeRun(run)).toBe(
      'jsonProcessor #1: 1 item -> 1 record in 0.50 s, 1 PutRecords call, 1 throttled entry re-sent, 0 failed',
    );
    expect(describeRun({ ...run, items: 2, kinesisRecords: 2, putRecordsCalls: 2, throttled: 0 })).toBe(
      'jsonProcessor #1: 2 items -> 2 records in 0.50 s, 2 PutRecords calls, 0 throttled entries re-sent, 0 failed',
    );
    const settings = describeSettings(
      { records: 1, recordSizeKb: 1, shards: 1, iterations: 1, limits: false, dryRun: true },
      undefined,
    );
    expect(settings).toMatch(/^1 item of ~1 KiB, dry run .*, \d+ CPUs?$/);
  });

  it('demo summary: one item, record, duplicate and entry are singular', () => {
    let printed = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      printSummary({
        timedOut: undefined,
        produced: 1,
        consumed: 1,
        duplicates: 1,
        others: 0,
        undecodable: 0,
        kinesisRecords: 1,
        kinesisBytes: 100,
        throttled: 1,
        retries: 1,
        produceSeconds: 1,
        consumeSeconds: 1,
        meanLatencyMs: 5,
        maxMillisBehindLatest: 0,
      });
    } finally {
      write.mockRestore();
    }
    expect(printed).toContain('produced        1 item in 1 Kinesis record,');
    expect(printed).toContain('consumed        1 item, 1.0 s from the start (1 items/s), 1 duplicate\n');
    expect(printed).toContain('throttled       1 entry, 1 record re-sent\n');
  });
});
