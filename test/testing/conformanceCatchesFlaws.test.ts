// The conformance suite run by a user against a checkpointer of their own that is wrong in one
// way at a time: each flaw fails the test of the rule it breaks, with a message that says what
// went wrong; the same checkpointer without a flaw passes everything.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describeCheckpointerConformance, type ConformanceTestApi } from '../../src/testing/index.js';
import {
  FlawedCheckpointer,
  FlawedStore,
  leaked,
  type Flaw,
  type FlawedScheduler,
} from './FlawedCheckpointer.js';

type Hook = () => Promise<void>;

// The server the checkpointers keep a connection to, as to a database.
let server: Server;
const accepted = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    accepted.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => accepted.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(() => {
  for (const timer of leaked.timers) if (typeof timer !== 'number') clearInterval(timer as NodeJS.Timeout);
  for (const socket of leaked.sockets) socket.destroy();
  leaked.timers.clear();
  leaked.sockets.clear();
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Records the suite through a test API of its own, then runs it: failed test name -> message. */
async function runSuite(
  flaw: Flaw | undefined,
  connect: boolean,
  injectScheduler = false,
): Promise<Map<string, string>> {
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
      const store = new FlawedStore();
      store.port = (server.address() as AddressInfo).port;
      // A scheduler of the fixture's, as a fake clock's: Node's own timers do not show its timers.
      const scheduled = new Set<number>();
      let handles = 0;
      const scheduler: FlawedScheduler = {
        setInterval: () => {
          scheduled.add(++handles);
          return handles;
        },
        clearInterval: (handle) => void scheduled.delete(handle as number),
      };
      const open = () =>
        new FlawedCheckpointer(10_000, store, () => time, flaw, injectScheduler ? scheduler : undefined);
      const checkpointer = open();
      return {
        checkpointer,
        streamName: `stream-${randomUUID()}`,
        advanceTime: async (ms: number) => {
          time += ms;
        },
        ...(connect ? { connect: async () => open() } : {}),
        failStore: async () => {
          store.down = true;
        },
        ...(injectScheduler ? { scheduledTimers: () => scheduled.size } : {}),
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

  it('passes a correct one on a scheduler of the fixture', async () => {
    expect([...(await runSuite(undefined, true, true))]).toEqual([]);
  });

  it("catches a close() that leaves a timer on the fixture's scheduler (scheduledTimers)", async () => {
    const failed = [...(await runSuite('close-leaves-timer', true, true))];
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[0]).toContain('close > leaves no timer or open handle behind');
    expect(failed[0]?.[1]).toContain("1 timer(s) on the fixture's scheduler (scheduledTimers())");
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
    [
      'close-leaves-timer',
      'close > leaves no timer or open handle behind',
      'the checkpointer still had 1 timer(s) or handle(s) keeping the event loop alive',
    ],
    ['close-leaves-connection', 'close > leaves no timer or open handle behind', 'TCPWRAP started'],
    [
      'plain-store-errors',
      'store failures > fails with retriable errors of this package',
      'checkpoint() failed with Error (Error): connect ECONNREFUSED 127.0.0.1:5432, not an error of rxjs-kinesis',
    ],
    [
      'store-errors-not-retriable',
      'store failures > fails with retriable errors of this package',
      'with retriable false: an outage is worth retrying',
    ],
    [
      'store-errors-without-cause',
      'store failures > fails with retriable errors of this package',
      "without a cause: give the store's own error as `cause`",
    ],
    [
      'outage-as-lease-lost',
      'store failures > fails with retriable errors of this package',
      'checkpoint() failed with LeaseLostError (LeaseLostError)',
    ],
  ])('catches a checkpointer that %s: fails "%s"', async (flaw, test, message) => {
    const failed = await runSuite(flaw, true);
    const hits = [...failed].filter(([name]) => name.includes(test));
    expect(hits).toHaveLength(1);
    expect(hits[0]?.[1]).toContain(message);
  });
});
