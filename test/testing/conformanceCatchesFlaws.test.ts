// The conformance suite run by a user against a checkpointer of their own that is wrong in one
// way at a time: each flaw fails the test of the rule it breaks, with a message that says what
// went wrong; the same checkpointer without a flaw passes everything.
import { randomUUID } from 'node:crypto';
import { describeCheckpointerConformance, type ConformanceTestApi } from '../../src/testing/index.js';
import { FlawedCheckpointer, type Flaw, type FlawedStore } from './FlawedCheckpointer.js';

type Hook = () => Promise<void>;

/** Records the suite through a test API of its own, then runs it: failed test name -> message. */
async function runSuite(flaw: Flaw | undefined, connect: boolean): Promise<Map<string, string>> {
  const tests: { name: string; body: Hook; before: Hook[]; after: Hook[] }[] = [];
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
  describeCheckpointerConformance(
    flaw ?? 'correct',
    async () => {
      let time = 1_700_000_000_000;
      const store: FlawedStore = new Map();
      const open = () => new FlawedCheckpointer(10_000, store, () => time, flaw);
      const checkpointer = open();
      return {
        checkpointer,
        streamName: `stream-${randomUUID()}`,
        advanceTime: async (ms: number) => {
          time += ms;
        },
        ...(connect ? { connect: async () => open() } : {}),
        cleanup: () => checkpointer.close(),
      };
    },
    api,
  );
  const failed = new Map<string, string>();
  for (const test of tests) {
    for (const hook of test.before) await hook();
    try {
      await test.body();
    } catch (error) {
      failed.set(test.name, error instanceof Error ? error.message : String(error));
    }
    for (const hook of test.after) await hook();
  }
  expect(tests.length).toBeGreaterThan(25);
  return failed;
}

describe('describeCheckpointerConformance against a checkpointer of ones own', () => {
  it.each([true, false])('passes a correct one (connect given: %s)', async (connect) => {
    expect([...(await runSuite(undefined, connect))]).toEqual([]);
  });

  it.each<[Flaw, string, string]>([
    ['drops-sub-sequence', 'checkpoints > stores positions and reads them back', 'subSequenceNumber'],
    ['moves-backwards', 'checkpoints > never moves backwards', 'Expected: false'],
    ['read-then-write', 'gives one shard to exactly one of 20 concurrent acquirers', 'toHaveLength'],
    [
      'instance-lock',
      'two instances over one store > gives one shard to exactly one of 20 acquirers spread over two instances',
      'must be one atomic, conditional write in the store',
    ],
    ['reentrant-owner', 'never hands a live lease out again', 'toBeUndefined'],
    [
      'close-does-not-wait',
      'close > waits for the calls under way',
      'close() must wait for the calls under way',
    ],
    [
      'release-keeps-token',
      'kills a released lease at once',
      'expected renewLease() of a released lease to fail with LeaseLostError, but it resolved with {',
    ],
    [
      'shard-end-ignores-expiry',
      'through an expired lease nobody took',
      'expected markShardEnd() through an expired lease to fail with LeaseLostError, but it resolved with undefined',
    ],
    [
      'renew-checks-owner',
      'kills the old token of a worker id that took its expired lease again',
      'expected renewLease() of the token of an expired lease its worker id acquired again to fail with LeaseLostError',
    ],
    [
      'shard-end-checks-owner',
      'kills the old token of a worker id that took its expired lease again',
      'expected markShardEnd() through the token of an expired lease its worker id acquired again to fail',
    ],
    [
      'release-checks-owner',
      'kills the old token of a worker id that took its expired lease again',
      'released the new lease (worker-b then acquired it): a release must check the token, not the owner id',
    ],
    [
      'instance-tokens',
      'two instances over one store > gives a worker id that takes its expired lease again through the other instance',
      'a token must be unique across instances',
    ],
    [
      'close-refuses-reads-only',
      'close > refuses the calls through a lease after close() too',
      'expected checkpoint() after close() to fail with CheckpointerClosedError, but it resolved with true',
    ],
  ])('catches a checkpointer that %s: fails "%s"', async (flaw, test, message) => {
    const failed = await runSuite(flaw, true);
    const hits = [...failed].filter(([name]) => name.includes(test));
    expect(hits).toHaveLength(1);
    expect(hits[0]?.[1]).toContain(message);
  });
});
