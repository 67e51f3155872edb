// The order jest starts test files in: the longest first, so that on two workers the long suites
// (most of them wait on leases, sessions and child processes) start early instead of stretching
// the end of the run. Jest's own order uses the durations it measured in the last run on this
// machine; on a fresh machine (a clean clone in CI) it has none and orders by file size, which
// starts some of the longest suites last: short files that run a long scenario. Durations jest
// has not measured come from test/durations.json (seconds per file on a loaded 2-core machine;
// `node scripts/test-durations.mjs <jest --json output>` rewrites it). Failed files still go first.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const recorded = require('../test/durations.json');

const rootDir = path.resolve(__dirname, '..');

class LongestFirstSequencer extends Sequencer {
  /** Milliseconds: jest's measurement from the last run here, else the recorded one, else none. */
  time(test) {
    const measured = super.time(test);
    if (measured !== undefined) return measured;
    const seconds = recorded[path.relative(rootDir, test.path).split(path.sep).join('/')];
    return seconds === undefined ? undefined : seconds * 1000;
  }

  sort(tests) {
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => {
      test.duration = this.time(test);
      return { test, failed: this.hasFailed(test), duration: test.duration ?? 0, size: size(test) };
    });
    keyed.sort((a, b) => Number(b.failed) - Number(a.failed) || b.duration - a.duration || b.size - a.size);
    return keyed.map((entry) => entry.test);
  }
}

module.exports = LongestFirstSequencer;
