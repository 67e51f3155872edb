// The conformance suite's HeartbeatOptions.signal test, optional for implementations: a fixture
// declares it with holdStore. The DynamoDBCheckpointer passes; a coordinator that ignores the
// signal fails, saying so; a fixture without holdStore passes without a call.
import { randomUUID } from 'node:crypto';
import type { Checkpointer } from '../../src/checkpointers/Checkpointer.js';
import type { HeartbeatOptions } from '../../src/checkpointers/LeaseCoordinator.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { describeCheckpointerConformance, type ConformanceTestApi } from '../../src/testing/index.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { Relay } from '../support/tcpRelay.js';

type Hook = () => Promise<void>;

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

/** Runs the suite's signal test on the fixture made with these choices: its failure, if any. */
async function runSignalTest(
  wrap: (inner: DynamoDBCheckpointer) => Checkpointer,
  declared: boolean,
): Promise<{ failure: string | undefined; heartbeats: number }> {
  const tests: { name: string; body: Hook }[] = [];
  const before: Hook[] = [];
  const after: Hook[] = [];
  const api: ConformanceTestApi = {
    describe: (_name, body) => body(),
    it: (name, body) => tests.push({ name, body }),
    beforeEach: (body) => void before.push(body),
    afterEach: (body) => void after.push(body),
    expect,
  };
  let heartbeats = 0;
  describeCheckpointerConformance(
    'DynamoDB',
    async () => {
      const relay = new Relay(new URL(dynamo.endpoint));
      await relay.up();
      const prefix = uniqueTableName('signal');
      const inner = new DynamoDBCheckpointer({
        endpoint: relay.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
        tableName: (stream) => `${prefix}-${stream.endsWith('-other') ? 'other' : 'main'}`,
      });
      const counted = new Proxy(wrap(inner), {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (property === 'heartbeat') heartbeats += 1;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return {
        checkpointer: counted,
        streamName: `stream-${randomUUID()}`,
        advanceTime: async (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        ...(declared
          ? {
              holdStore: async () => {
                const release = relay.hold();
                return async () => release();
              },
            }
          : {}),
        cleanup: async () => {
          await inner.close();
          await relay.down();
        },
      };
    },
    api,
  );
  const signalTests = tests.filter((test) => test.name.includes('HeartbeatOptions.signal'));
  expect(signalTests).toHaveLength(1);
  let failure: string | undefined;
  for (const hook of before) await hook();
  try {
    await signalTests[0]?.body();
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  for (const hook of after) await hook();
  return { failure, heartbeats };
}

it('passes the DynamoDBCheckpointer, which honours the signal', async () => {
  expect(await runSignalTest((inner) => inner, true)).toEqual({ failure: undefined, heartbeats: 1 });
});

it('fails a coordinator that declares holdStore but ignores the signal, saying so', async () => {
  const ignoring = (inner: DynamoDBCheckpointer): Checkpointer =>
    new Proxy(inner, {
      get(target, property) {
        if (property === 'heartbeat')
          return (stream: string, worker: string, options?: HeartbeatOptions) =>
            target.heartbeat(
              stream,
              worker,
              options?.maxShardConsumers === undefined
                ? {}
                : { maxShardConsumers: options.maxShardConsumers },
            );
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  const { failure } = await runSignalTest(ignoring, true);
  expect(failure).toContain('still waited 2000 ms after its signal aborted');
});

it('makes no call for a fixture without holdStore (the test name says it is optional)', async () => {
  expect(await runSignalTest((inner) => inner, false)).toEqual({ failure: undefined, heartbeats: 0 });
});
