// One test DynamoDB per test file with the fault proxy in front of it, and checkpointers that
// reach the table through the proxy, each closed after its test.
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { DynamoDBCheckpointerOptions } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointerOptions.js';
import { startTestDynamoDB, type TestDynamoDB } from './dynamodb.js';
import { startDynamoDBFaultProxy, type DynamoDBFaultProxy } from './dynamodbFaultProxy.js';

export interface DynamoDBFaultFixture {
  /** The test DynamoDB (use it only inside tests and hooks, once beforeAll started it). */
  readonly dynamo: TestDynamoDB;
  /** The fault proxy in front of it. */
  readonly proxy: DynamoDBFaultProxy;
  /**
   * A checkpointer of `tableName` whose requests go through the proxy (`direct`: straight to the
   * table), with the file's `defaults` and then `options`; it is closed after the test.
   */
  readonly worker: (
    tableName: string,
    options?: Partial<DynamoDBCheckpointerOptions>,
    direct?: boolean,
  ) => DynamoDBCheckpointer;
}

/**
 * Registers the hooks that start the test DynamoDB and the proxy before the file's tests, close
 * each test's checkpointers (and resume a paused proxy) after it, and stop both after the file.
 * A checkpointer gets the table's region and credentials and a `sleep` that does not wait, unless
 * `defaults` says otherwise.
 */
export function useDynamoDBFaultProxy(
  defaults: Partial<DynamoDBCheckpointerOptions> = {},
): DynamoDBFaultFixture {
  let dynamo: TestDynamoDB | undefined;
  let proxy: DynamoDBFaultProxy | undefined;
  const opened: DynamoDBCheckpointer[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('the DynamoDB fault fixture is used before beforeAll started it');
    return value;
  };
  beforeAll(async () => {
    dynamo = await startTestDynamoDB();
    proxy = await startDynamoDBFaultProxy(dynamo.endpoint);
  });
  afterEach(async () => {
    proxy?.resume();
    await Promise.all(opened.splice(0).map((checkpointer) => checkpointer.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await dynamo?.close();
  });
  return {
    get dynamo() {
      return started(dynamo);
    },
    get proxy() {
      return started(proxy);
    },
    worker: (tableName, options = {}, direct = false) => {
      const table = started(dynamo);
      const checkpointer = new DynamoDBCheckpointer({
        endpoint: direct ? table.endpoint : started(proxy).endpoint,
        region: table.region,
        credentials: table.credentials,
        tableName,
        sleep: async () => undefined,
        ...defaults,
        ...options,
      });
      opened.push(checkpointer);
      return checkpointer;
    },
  };
}
