// V8 compiles the loop that walks a KPL body while it runs (on-stack replacement), before the
// code after the loop has run once, and keeps that code for the next calls. On Node 22, code
// after the loop that needed type feedback (the result object's properties) threw it away at the
// end of every call: each record then started unoptimized again. With compilation made
// synchronous (so that the outcome does not depend on timing), the walk over eleven records
// read four times must be optimized and stay so.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { compiledScript } from '../../support/compiledScript.js';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

it('keeps the walk over a KPL body optimized from one record to the next', async () => {
  const module = compiledScript(path.join(root, 'src/processors/aggregators/kplAggregator.ts'));
  const program = `
    const { kplAggregator } = require(${JSON.stringify(module)});
    const kpl = kplAggregator();
    const accumulator = kpl.createAccumulator(1024 * 1024);
    const records = [];
    for (let i = 0; i < 100000; i += 1) {
      const closed = accumulator.add({ data: Buffer.alloc(100, i), partitionKey: 'pk-' + (i % 64) });
      if (closed) records.push(closed);
    }
    const last = accumulator.flush();
    if (last) records.push(last);
    let items = 0;
    for (let round = 0; round < 4; round += 1)
      for (const record of records) items += kpl.deaggregateLazily(record).count;
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
  const walk = /<JSFunction (walkBody|decodeAggregatedRecord) /;
  const optimized = lines.filter(
    (line) => /^\[completed (compiling|optimizing) .*TURBOFAN/.test(line) && walk.test(line),
  );
  const deoptimized = lines.filter((line) => line.includes('deoptimizing') && walk.test(line));
  expect(optimized.length).toBeGreaterThan(0);
  // Before: one deoptimization per read (every one of them); now one or two as feedback settles.
  expect(deoptimized.length).toBeLessThanOrEqual(Number(reads) / 8);
}, 70_000);
