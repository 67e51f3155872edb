// The lazy deaggregations of the newline, netstring and list formats scan a record's frames in
// one loop before any item is made. V8 compiles such a loop while it runs (on-stack
// replacement), before the code after the loop has run once, and keeps that code for the next
// calls. On Node 22, code after the loop with no type feedback (the table copied out, the items'
// constructor) threw it away at the end of every call: each record's scan then started
// unoptimized again. With compilation made synchronous (so that the outcome does not depend on
// timing), each scan over ten or so ~1 MiB records of ~100 B items read four times must be
// optimized and stay so.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { compiledScript } from '../../support/compiledScript.js';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const aggregators = path.join(root, 'src/processors/aggregators');

interface Case {
  /** What is read. */
  readonly name: string;
  /** The module and the factory it exports. */
  readonly module: string;
  readonly factory: string;
  /** Whether the records are read by the text path (aggregator.text). */
  readonly text: boolean;
  /** The scan's loop function, as named now or before it was a function of its own. */
  readonly scan: RegExp;
}

const cases: readonly Case[] = [
  {
    name: 'newline lines (bytes)',
    module: 'newlineAggregator.ts',
    factory: 'newlineAggregator',
    text: false,
    scan: /<JSFunction (scanLines|lineTable) /,
  },
  {
    name: 'newline lines (text path)',
    module: 'newlineAggregator.ts',
    factory: 'newlineAggregator',
    text: true,
    scan: /<JSFunction (scanTextLines|shortLines) /,
  },
  {
    name: 'netstring frames',
    module: 'netstringAggregator.ts',
    factory: 'netstringAggregator',
    text: false,
    scan: /<JSFunction (scanNetstrings|netstringItems) /,
  },
  {
    name: 'list elements',
    module: 'listAggregator.ts',
    factory: 'listAggregator',
    text: false,
    scan: /<JSFunction (scanElements|splitJsonArray) /,
  },
];

it.each(cases)(
  'keeps the scan over $name optimized from one record to the next',
  async (scan) => {
    const module = compiledScript(path.join(aggregators, scan.module));
    const program = `
    const aggregator = require(${JSON.stringify(module)}).${scan.factory}();
    const reader = ${scan.text} ? aggregator.text : aggregator;
    const accumulator = aggregator.createAccumulator(1024 * 1024);
    const records = [];
    for (let i = 0; i < 100000; i += 1) {
      const data = Buffer.from(JSON.stringify({ id: i, name: 'item-' + i, padding: 'x'.repeat(64) }));
      const closed = accumulator.add({ data, partitionKey: 'pk-' + (i % 64) });
      if (closed) records.push(closed);
    }
    const last = accumulator.flush();
    if (last) records.push(last);
    let items = 0;
    for (let round = 0; round < 4; round += 1)
      for (const record of records) items += reader.deaggregateLazily(record).count;
    console.log('reads ' + 4 * records.length + ' items ' + items);
  `;
    const { stdout } = await run(
      process.execPath,
      ['--no-concurrent-osr', '--no-concurrent-recompilation', '--trace-opt', '--trace-deopt', '-e', program],
      { cwd: root, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const lines = stdout.split('\n');
    const [, reads, items] = /^reads (\d+) items (\d+)$/m.exec(stdout) ?? [];
    expect(Number(items)).toBe(400_000);
    expect(Number(reads)).toBeGreaterThanOrEqual(40);
    const optimized = lines.filter(
      (line) => /^\[completed (compiling|optimizing) .*TURBOFAN/.test(line) && scan.scan.test(line),
    );
    const deoptimized = lines.filter((line) => line.includes('deoptimizing') && scan.scan.test(line));
    expect(optimized.length).toBeGreaterThan(0);
    // Before: one deoptimization per read (every one of them); now one or two as feedback settles.
    expect(deoptimized.length).toBeLessThanOrEqual(Number(reads) / 8);
  },
  70_000,
);
