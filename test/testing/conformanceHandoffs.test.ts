// The conformance suite's handoff test against the DynamoDBCheckpointer (a LeaseCoordinator) on
// the embedded DynamoDB: it passes as it is, and fails one that hides handoff requests from the
// owner (who then never hands the lease over), saying so.
import { randomUUID } from 'node:crypto';
import type { Checkpointer } from '../../src/checkpointers/Checkpointer.js';
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

/** Runs the suite's handoff tests through a test API of its own: failed test name -> message. */
async function runHandoffTests(
  wrap: (inner: DynamoDBCheckpointer) => Checkpointer,
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
      const checkpointer = wrap(
        new DynamoDBCheckpointer({
          endpoint: dynamo.endpoint,
          region: dynamo.region,
          credentials: dynamo.credentials,
          tableName: uniqueTableName('handoffs'),
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
  const handoffTests = tests.filter((test) => test.name.includes('handoffs'));
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

/** The coordinator with `pendingHandoffs` answering nothing, every other call its own. */
function hidingRequests(inner: DynamoDBCheckpointer): Checkpointer {
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'pendingHandoffs') return async () => [];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

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
