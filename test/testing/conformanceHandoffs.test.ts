// The conformance suite's LeaseCoordinator tests (handoffs, membership, requests, snapshots)
// against the DynamoDBCheckpointer on the embedded DynamoDB: they pass as it is, and each fails a
// coordinator broken in one way (another call's answer changed through a proxy), saying so.
import { randomUUID } from 'node:crypto';
import type { Checkpointer, Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { describeCheckpointerConformance, type ConformanceTestApi } from '../../src/testing/index.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';

type Hook = () => Promise<void>;

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

/**
 * Runs the suite's tests whose name has `part` (by default the handoff tests) through a test API
 * of its own: failed test name -> message.
 */
async function runHandoffTests(
  wrap: (inner: DynamoDBCheckpointer) => Checkpointer,
  part = 'handoffs',
): Promise<Map<string, string>> {
  const tests: { name: string; body: Hook }[] = [];
  const names: string[] = [];
  const before: Hook[] = [];
  const after: Hook[] = [];
  const api: ConformanceTestApi = {
    describe: (name, body) => {
      names.push(name);
      body();
      names.pop();
    },
    it: (name, body) => tests.push({ name: [...names, name].join(' > '), body }),
    beforeEach: (body) => void before.push(body),
    afterEach: (body) => void after.push(body),
    expect,
  };
  describeCheckpointerConformance(
    'DynamoDB',
    async () => {
      let time = Date.now();
      const prefix = uniqueTableName('coordination');
      const checkpointer = wrap(
        new DynamoDBCheckpointer({
          endpoint: dynamo.endpoint,
          region: dynamo.region,
          credentials: dynamo.credentials,
          // The suite also uses `${streamName}-other`: a table of its own.
          tableName: (stream) => `${prefix}-${stream.endsWith('-other') ? 'other' : 'main'}`,
          failoverTimeMs: 6000,
          now: () => time,
        }),
      );
      return {
        checkpointer,
        streamName: `stream-${randomUUID()}`,
        advanceTime: async (ms) => {
          time += ms;
        },
        cleanup: () => checkpointer.close(),
      };
    },
    api,
  );
  const failed = new Map<string, string>();
  const handoffTests = tests.filter((test) => test.name.includes(part));
  expect(handoffTests.length).toBeGreaterThan(0);
  for (const test of handoffTests) {
    for (const hook of before) await hook();
    try {
      await test.body();
    } catch (error) {
      failed.set(test.name, error instanceof Error ? error.message : String(error));
    }
    for (const hook of after) await hook();
  }
  return failed;
}

/** The coordinator with the calls in `replaced` answered by those functions, every other call its own. */
function replacing(inner: DynamoDBCheckpointer, replaced: Partial<LeaseCoordinator>): Checkpointer {
  return new Proxy(inner, {
    get(target, property) {
      if (Object.hasOwn(replaced, property)) return Reflect.get(replaced, property);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The coordinator with `pendingHandoffs` answering nothing. */
function hidingRequests(inner: DynamoDBCheckpointer): Checkpointer {
  return replacing(inner, { pendingHandoffs: async () => [] });
}

/** Coordinators broken in one way each, as a LeaseCoordinator of one's own might be. */
const brokenCoordinators: Record<string, (inner: DynamoDBCheckpointer) => Checkpointer> = {
  'leaveGroup() forgets nobody': (inner) => replacing(inner, { leaveGroup: async () => undefined }),
  'a heartbeat never runs out': (inner) => {
    const beaten = new Set<string>();
    return replacing(inner, {
      heartbeat: async (stream, worker, options) => {
        beaten.add(`${stream}/${worker}`);
        return inner.heartbeat(stream, worker, options);
      },
      leaveGroup: async (stream, worker) => {
        beaten.delete(`${stream}/${worker}`);
        return inner.leaveGroup(stream, worker);
      },
      liveWorkers: async (stream) =>
        [...beaten]
          .filter((key) => key.startsWith(`${stream}/`))
          .map((key) => key.slice(stream.length + 1))
          .sort(),
    });
  },
  "a request replaces another's": (inner) =>
    replacing(inner, {
      requestHandoff: async (stream, shard, requester) => {
        const result = await inner.requestHandoff(stream, shard, requester);
        if (result.status !== 'other-request-pending') return result;
        await inner.cancelHandoff(stream, shard, result.requester);
        return inner.requestHandoff(stream, shard, requester);
      },
    }),
  'cancelHandoff() withdraws nothing': (inner) =>
    replacing(inner, {
      cancelHandoff: async (stream, shard, requester) =>
        (await inner.leaseSnapshot(stream)).leases.some(
          (lease) => lease.shardId === shard && lease.handoff?.requester === requester,
        ),
    }),
  'a live lease never goes to its requester': (inner) =>
    replacing(inner, {
      acquireLease: async (stream, shard, owner, lineage): Promise<Lease | undefined> => {
        const snapshot = await inner.leaseSnapshot(stream);
        const lease = snapshot.leases.find((entry) => entry.shardId === shard);
        if (lease?.owner !== undefined && (lease.expiresAt ?? 0) > snapshot.now) return undefined;
        return inner.acquireLease(stream, shard, owner, lineage);
      },
    }),
  'the snapshot leaves requests out': (inner) =>
    replacing(inner, {
      leaseSnapshot: async (stream) => {
        const snapshot = await inner.leaseSnapshot(stream);
        return { ...snapshot, leases: snapshot.leases.map(({ handoff: _, ...lease }) => lease) };
      },
    }),
};

describe('the conformance suite on handoffs', () => {
  it('passes the DynamoDBCheckpointer', async () => {
    expect([...(await runHandoffTests((inner) => inner))]).toEqual([]);
  });

  it('fails a coordinator whose owner never sees the handoff requests on its leases', async () => {
    const failed = [...(await runHandoffTests(hidingRequests))];
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[0]).toContain('handoffs (LeaseCoordinator) > shows a handoff request to the owner');
    expect(failed[0]?.[1]).toContain("pendingHandoffs() of the owner did not show worker-b's request");
  });
});

describe('the conformance suite on lease coordination', () => {
  const part = 'lease coordination (LeaseCoordinator)';

  it('passes the DynamoDBCheckpointer', async () => {
    expect([...(await runHandoffTests((inner) => inner, part))]).toEqual([]);
  });

  it.each<[string, string, string]>([
    [
      'leaveGroup() forgets nobody',
      'forgets one that leaves at once',
      'still listed worker-c after leaveGroup()',
    ],
    [
      'a heartbeat never runs out',
      'forgets one that leaves at once',
      'still listed worker-a after the expiry its heartbeat() returned',
    ],
    [
      "a request replaces another's",
      'one requester at a time',
      "expected 'other-request-pending' (a request must not replace another's)",
    ],
    [
      'cancelHandoff() withdraws nothing',
      'withdraws a request with cancelHandoff',
      'pendingHandoffs() still showed',
    ],
    [
      'a live lease never goes to its requester',
      'lets the requester take the lease once the deadline passed',
      'worker-b could not acquire shardId-000000000000 after the deadline of its handoff request passed',
    ],
    ['the snapshot leaves requests out', 'in one snapshot', 'handoff'],
  ])('fails a coordinator where %s: "%s"', async (broken, test, message) => {
    const failed = [...(await runHandoffTests(brokenCoordinators[broken], part))];
    expect(failed.map(([name]) => name)).toEqual([expect.stringContaining(test)]);
    expect(failed[0]?.[1]).toContain(message);
  });
});
