// Rewrites test/durations.json from a jest JSON report (`npx jest --json --outputFile=FILE`):
// the seconds each test file took, for the files that took at least a second. The test
// sequencer (scripts/testSequencer.cjs) starts the longest first when jest has no measurements
// of its own.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [report] = process.argv.slice(2);
if (report === undefined) {
  console.error('usage: node scripts/test-durations.mjs <jest --json output>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const seconds = new Map();
for (const result of testResults) {
  const file = relative(root, result.name);
  const took = (result.endTime - result.startTime) / 1000;
  seconds.set(file, Math.max(seconds.get(file) ?? 0, took));
}
const kept = [...seconds]
  .filter(([, took]) => took >= 1)
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([file, took]) => [file, Math.round(took * 10) / 10]);
writeFileSync(join(root, 'test/durations.json'), `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`);
console.log(`test/durations.json: ${kept.length} files of ${seconds.size} took a second or more`);
