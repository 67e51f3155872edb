// The conformance suite through a test API of its own (as a runner without globals would pass
// it): it passes for a correct checkpointer and names the rules a broken one breaks.
import { randomUUID } from 'node:crypto';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { Checkpointer, Lease } from '../../src/checkpointers/Checkpointer.js';
import { describeCheckpointerConformance, type ConformanceTestApi } from '../../src/testing/index.js';

type Hook = () => Promise<void>;
interface RecordedTest {
  readonly name: string;
  readonly body: Hook;
  readonly before: readonly Hook[];
  readonly after: readonly Hook[];
}

/** A test API that records the suite, then runs each test with its hooks and reports failures. */
function recordingApi() {
  const tests: RecordedTest[] = [];
  const scopes: { name: string; before: Hook[]; after: Hook[] }[] = [];
  const api: ConformanceTestApi = {
    describe: (name, body) => {
      scopes.push({ name, before: [], after: [] });
      body();
      scopes.pop();
    },
    it: (name, body) =>
      tests.push({
        name: [...scopes.map((scope) => scope.name), name].join(' > '),
        body,
        before: scopes.flatMap((scope) => scope.before),
        after: scopes.flatMap((scope) => scope.after).reverse(),
      }),
    beforeEach: (body) => scopes.at(-1)?.before.push(body),
    afterEach: (body) => scopes.at(-1)?.after.push(body),
    expect,
  };
  const run = async (): Promise<string[]> => {
    const failed: string[] = [];
    for (const test of tests) {
      for (const hook of test.before) await hook();
      try {
        await test.body();
      } catch {
        failed.push(test.name);
      }
      for (const hook of test.after) await hook();
    }
    return failed;
  };
  return { api, tests, run };
}

function memoryFixture(wrap: (inner: Checkpointer) => Checkpointer) {
  return async () => {
    let time = 1_700_000_000_000;
    const checkpointer = wrap(new MemoryCheckpointer({ leaseDurationMs: 10_000, now: () => time }));
    return {
      checkpointer,
      streamName: `stream-${randomUUID()}`,
      advanceTime: async (ms: number) => {
        time += ms;
      },
      cleanup: () => checkpointer.close(),
    };
  };
}

describe('describeCheckpointerConformance', () => {
  it('passes every test for a correct checkpointer, through the given test API', async () => {
    const { api, tests, run } = recordingApi();
    describeCheckpointerConformance(
      'Memory',
      memoryFixture((inner) => inner),
      api,
    );
    expect(tests.length).toBeGreaterThan(20);
    expect(await run()).toEqual([]);
  });

  it('fails the tests of the rules a checkpointer breaks', async () => {
    const { api, run } = recordingApi();
    // Release keeps the lease, and close() closes nothing.
    const broken = (inner: Checkpointer): Checkpointer =>
      Object.assign(Object.create(inner) as Checkpointer, {
        releaseLease: async (_lease: Lease) => undefined,
        close: async () => undefined,
      });
    describeCheckpointerConformance('Broken', memoryFixture(broken), api);
    const failed = await run();
    // The tests of those two rules, and only those.
    const prefix = 'Broken (Checkpointer conformance) > ';
    expect(failed).toEqual(
      [
        'leases > keeps the position when a lease is released and lets another owner acquire it',
        'leases > kills a released lease at once: no renew, checkpoint or shard end through it, even before anyone takes it',
        'checkpoints > stores the shard end marker, which is final',
        'listLeases > shows owners, expiry and checkpoints of the stream',
        'forgetShards (when implemented) > removes the state of shards no one holds and keeps a held one',
        'close > closes idempotently and refuses later calls with CheckpointerClosedError',
        'close > refuses the calls through a lease after close() too: nothing is written once closed',
      ].map((name) => prefix + name),
    );
  });
});
