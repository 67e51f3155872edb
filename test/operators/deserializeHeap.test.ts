// What deserialize() holds for a large record whose items are paused mid-emission (maxItemsAhead
// out, none settled): the record's bytes, a few bytes per item (a table of item offsets), for
// KPL 8 bytes per key of its key table (a record whose items each carry a key of their own, as
// the KPL writes them, held a string per key: ~50 bytes per item) and, on the JSON lines text
// path, the record decoded once as a string. Not an object, view or
// string per item, which a 1 MiB record of tiny items (~100,000 to ~350,000 of them) would
// make ~150 bytes each, whatever budget the consumer was given. Measured in a child process
// (pausedRecordHeap.ts) as live memory after a full collection, so the figure does not depend
// on when the collector runs.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';
import type { PausedRecordReport } from './pausedRecordHeap.js';

/** Bytes per item the paused record may hold beyond its own bytes, and per key of a KPL key table. */
const PER_ITEM = 16;
const PER_KEY = 8;
/** What does not grow with the record: the decoding's few objects, the items out, code. */
const CONSTANT = 512 * 1024;
/** Cases that hold the record decoded once as a string (ASCII: one byte per record byte). */
const DECODED_WHOLE = new Set(['JSON lines (text path)']);

function runChild(): Promise<PausedRecordReport[]> {
  const child = fork(compiledScript(join(__dirname, 'pausedRecordHeap.ts')), [], {
    cwd: join(__dirname, '..', '..'),
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8000);
  });
  const reports: PausedRecordReport[] = [];
  child.on('message', (report: PausedRecordReport) => reports.push(report));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the heap probe did not finish in time: ${stderr}`));
    }, 100_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(reports);
      else reject(new Error(`the heap probe exited with ${code}: ${stderr}`));
    });
  });
}

test('a paused 1 MiB record of tiny items holds its bytes plus at most 16 bytes per item and 8 per KPL key, for every built-in aggregator', async () => {
  const reports = await runChild();
  expect(reports.map((report) => report.name)).toEqual([
    'JSON lines (text path)',
    'newline (byte path)',
    'JSON list',
    'netstring',
    'KPL (text path)',
    'KPL (byte path)',
    'KPL, a key per item (text path)',
    'KPL, a key per item (byte path)',
  ]);
  const summary = reports.map((report) => {
    const whole = DECODED_WHOLE.has(report.name) ? report.recordBytes : 0;
    return {
      name: report.name,
      error: report.error,
      emitted: report.emitted,
      manyItems: report.items > (report.keys > 1 ? 50_000 : 100_000),
      bytesPerItem: Math.round(((report.retainedBytes - whole) / report.items) * 10) / 10,
      withinBound: report.retainedBytes <= PER_ITEM * report.items + PER_KEY * report.keys + whole + CONSTANT,
    };
  });
  expect(summary).toEqual(
    summary.map(({ name, bytesPerItem }) => ({
      name,
      error: undefined,
      emitted: 1000,
      manyItems: true,
      bytesPerItem,
      withinBound: true,
    })),
  );
});
