// Throttling, 5xx and timeouts are retried with back-off; other failures fail at once, typed.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { DynamoDBRequestError } from '../../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

/** A real client with a fault layer in front: the next `failures` requests fail with `fault()`. */
function faultyClient(real: DynamoDBClient, fault: () => Error) {
  const state = { failures: 0, sent: 0, operations: [] as string[] };
  const client = {
    send: (command: { constructor: { name: string } }, options: unknown) => {
      state.sent += 1;
      state.operations.push(command.constructor.name);
      if (state.failures > 0) {
        state.failures -= 1;
        return Promise.reject(fault());
      }
      return (real.send as (c: unknown, o: unknown) => Promise<unknown>)(command, options);
    },
    destroy: () => undefined,
  };
  return { client: client as unknown as DynamoDBClient, state };
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected)`), { name, $metadata: { httpStatusCode: status } });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('DynamoDBCheckpointer request failures', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
  ])('retries %s and succeeds; a checkpoint is still one write', async (name, status) => {
    const { client, state } = faultyClient(dynamo.createClient(), () => awsError(name, status));
    const delays: number[] = [];
    const checkpointer = new DynamoDBCheckpointer({
      client,
      tableName: uniqueTableName('retried'),
      maxAttempts: 4,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    try {
      const lease = await checkpointer.acquireLease('orders', 'shardId-000000000000', 'worker-a');
      if (lease === undefined) throw new Error('expected a lease');
      state.failures = 3;
      state.operations = [];
      delays.length = 0; // waits before this point (e.g. for the new table to be ACTIVE) are not retries
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '42' })).resolves.toBe(true);
      expect(state.operations).toEqual(Array(4).fill('UpdateItemCommand'));
      expect(delays).toHaveLength(3);
      state.operations = [];
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '43' })).resolves.toBe(true);
      expect(state.operations).toEqual(['UpdateItemCommand']);
      expect(await checkpointer.getCheckpoint('orders', 'shardId-000000000000')).toEqual({
        kind: 'position',
        position: { sequenceNumber: '43' },
      });
    } finally {
      await checkpointer.close();
    }
  });

  it('gives up after maxAttempts with a retriable DynamoDBRequestError naming the table and operation', async () => {
    const { client, state } = faultyClient(dynamo.createClient(), () =>
      awsError('ProvisionedThroughputExceededException', 400),
    );
    const tableName = uniqueTableName('throttled');
    const checkpointer = new DynamoDBCheckpointer({
      client,
      tableName,
      maxAttempts: 3,
      sleep: async () => {},
    });
    try {
      await checkpointer.getCheckpoint('orders', 'shardId-000000000000'); // creates the table
      state.failures = 10;
      state.sent = 0;
      const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
      expect(error).toBeInstanceOf(DynamoDBRequestError);
      expect(error).toMatchObject({
        retriable: true,
        attempts: 3,
        operation: 'GetItem',
        tableName,
        code: 'ProvisionedThroughputExceededException',
        context: { streamName: 'orders', shardId: 'shardId-000000000000' },
      });
      expect(state.sent).toBe(3);
    } finally {
      await checkpointer.close();
    }
  });

  it('stops retrying when the call budget (callTimeout) is spent', async () => {
    const { client, state } = faultyClient(dynamo.createClient(), () => awsError('ThrottlingException', 400));
    const checkpointer = new DynamoDBCheckpointer({
      client,
      tableName: uniqueTableName('budget'),
      maxAttempts: 1000,
      callTimeout: 300,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    try {
      await checkpointer.getCheckpoint('orders', 'shardId-000000000000'); // creates the table
      state.failures = Number.POSITIVE_INFINITY;
      state.sent = 0;
      const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
      expect(error).toMatchObject({ retriable: true, code: 'ThrottlingException' });
      // Back-off delays of up to 50, 100, 200 ms fit a 300 ms budget only a few times.
      expect(state.sent).toBeGreaterThanOrEqual(1);
      expect(state.sent).toBeLessThan(1000);
      expect((error as DynamoDBRequestError).attempts).toBe(state.sent);
    } finally {
      await checkpointer.close();
    }
  });

  it('does not retry a request DynamoDB rejects as invalid', async () => {
    const { client, state } = faultyClient(dynamo.createClient(), () => awsError('ValidationException', 400));
    const checkpointer = new DynamoDBCheckpointer({
      client,
      tableName: uniqueTableName('invalid'),
      sleep: async () => {},
    });
    try {
      state.failures = 1;
      const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
      expect(error).toMatchObject({ retriable: false, attempts: 1, code: 'ValidationException' });
      expect(state.sent).toBe(1);
    } finally {
      await checkpointer.close();
    }
  });

  it('gives every request a deadline: a server that never answers fails retriably after the attempts', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket); // accepts, reads, never answers
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      tableName: 'never-answers',
      requestTimeout: 300,
      maxAttempts: 2,
      sleep: async () => {},
    });
    try {
      const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
      expect(error).toBeInstanceOf(DynamoDBRequestError);
      expect(error).toMatchObject({ retriable: true, attempts: 2, operation: 'DescribeTable' });
    } finally {
      await checkpointer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("never carries the session token AWS echoes when it cannot match a request's signature", async () => {
    const token = 'IQoJb3JpZ2luX2VjEHwaCXVzLWVhc3QtMSJHMEUCIQDx7aGVsbG8gd29ybGQ0123456789abcdefABCDEFghij';
    const echoed: string[] = [];
    // As AWS answers: the canonical request it computed, the signed session token header in it.
    const server = createHttpServer((request, response) => {
      const sent = String(request.headers['x-amz-security-token']);
      echoed.push(sent);
      const canonical = [
        'POST',
        '/',
        '',
        `host:${String(request.headers.host)}`,
        `x-amz-date:${String(request.headers['x-amz-date'])}`,
        `x-amz-security-token:${sent}`,
        '',
        'host;x-amz-date;x-amz-security-token',
      ].join('\n');
      request.resume();
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazon.coral.service#InvalidSignatureException',
          message:
            'The request signature we calculated does not match the signature you provided. ' +
            `The Canonical String for this request should have been\n'${canonical}'\n`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const logger = new CaptureLogger();
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'local', sessionToken: token },
      tableName: 'signature-refused',
      logger,
      sleep: async () => {},
    });
    try {
      const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
      expect(echoed[0]).toBe(token); // the SDK signed and sent it: AWS would echo it
      expect(error).toBeInstanceOf(DynamoDBRequestError);
      expect(error).toMatchObject({ code: 'InvalidSignatureException', retriable: false });
      expect((error as Error).message).toContain('x-amz-security-token:[redacted]');
      const shown = [
        (error as Error).message,
        String((error as Error).stack),
        inspect(error, { depth: 10, showHidden: true }),
        logger.text(),
      ].join('\n');
      expect(shown).not.toContain(token.slice(0, 24));
    } finally {
      await checkpointer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a misspelt option name, which would leave the default table in use', () => {
    // `tablename` for `tableName`: the checkpointer would read and write `rxjs-kinesis-<stream>`,
    // a new empty table, and start over from the initial position instead of the KCL's positions.
    let error: unknown;
    try {
      new DynamoDBCheckpointer({ tablename: 'orders-app', region: 'us-east-1' } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('tablename');
    expect((error as InvalidOptionError).message).toMatch(/known options are tableName, /);
    expect((error as InvalidOptionError).message).not.toContain('orders-app');
    expect(() => new DynamoDBCheckpointer(null as never)).toThrow(InvalidOptionError);
  });

  it('rejects bad options with InvalidOptionError', async () => {
    expect(() => new DynamoDBCheckpointer({ tableName: 'x' })).toThrow(InvalidOptionError);
    // The workers table beside it, `<name>-workers`, must fit DynamoDB's 255 characters too.
    expect(() => new DynamoDBCheckpointer({ tableName: 'a'.repeat(248) })).toThrow(/3-247 .*-workers/);
    expect(() => new DynamoDBCheckpointer({ tableName: 'a'.repeat(247) })).not.toThrow();
    // The default table name, `<name>-<stream>`, checked when the stream is first used.
    const named = new DynamoDBCheckpointer({ name: 'n'.repeat(250), region: 'us-east-1' });
    await expect(named.getCheckpoint('s', 'shardId-000000000000')).rejects.toThrow(InvalidOptionError);
    await named.close();
    expect(() => new DynamoDBCheckpointer({ failoverTimeMs: 0 })).toThrow(InvalidOptionError);
    // The option given is named, not the heartbeat interval derived from it.
    expect(() => new DynamoDBCheckpointer({ failoverTimeMs: 1 })).toThrow(/"failoverTimeMs": got 1; must be/);
    expect(() => new DynamoDBCheckpointer({ failoverTimeMs: 100, heartbeatIntervalMs: 100 })).toThrow(
      /"heartbeatIntervalMs": got 100; must be below failoverTimeMs/,
    );
    expect(() => new DynamoDBCheckpointer({ initialPosition: 'AT_TIMESTAMP' as never })).toThrow(
      InvalidOptionError,
    );
  });

  it('rejects a region, credentials or sleep it could not use at once, without the credentials', async () => {
    const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY';
    const refused = (options: Record<string, unknown>): InvalidOptionError => {
      let error: unknown;
      try {
        new DynamoDBCheckpointer(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
        secret,
      );
      return error as InvalidOptionError;
    };
    expect(refused({ region: 5 }).option).toBe('region');
    expect(refused({ region: 'eu west 1' }).option).toBe('region');
    expect(refused({ sleep: 5 }).option).toBe('sleep');
    expect(refused({ credentials: `AKIAEXAMPLE:${secret}` }).option).toBe('credentials');
    expect(refused({ credentials: { accessKeyId: 5, secretAccessKey: secret } }).option).toBe('credentials');
    const valid = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: secret, sessionToken: 'token' };
    await new DynamoDBCheckpointer({ region: 'eu-west-1', credentials: valid }).close();
  });

  it('takes a credentials provider, as fromKinesis() does, and bounds each call of it', async () => {
    let calls = 0;
    const working = new DynamoDBCheckpointer({
      tableName: uniqueTableName(),
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: () => {
        calls += 1;
        return Promise.resolve({ ...dynamo.credentials });
      },
    });
    expect(await working.getCheckpoint('orders', 'shardId-000000000000')).toBeUndefined();
    expect(calls).toBeGreaterThan(0);
    await working.close();
    // A provider that never answers: the call fails, retriable, within its budget.
    const silent = new DynamoDBCheckpointer({
      tableName: uniqueTableName(),
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: () => new Promise<never>(() => undefined),
      connectTimeout: 100,
      requestTimeout: 200,
      callTimeout: 1_500,
    });
    const startedAt = Date.now();
    const error = await rejectionOf(silent.getCheckpoint('orders', 'shardId-000000000000'));
    expect(error).toBeInstanceOf(DynamoDBRequestError);
    expect((error as DynamoDBRequestError).retriable).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    await silent.close();
  }, 60_000);

  it.each(['localhost:8000', 'AKIAEXAMPLE:s3cr3t@dynamodb.local', 'ftp://127.0.0.1:8000'])(
    'rejects the endpoint %s, not an http:// or https:// URL, at once and without its secrets',
    (endpoint) => {
      let error: unknown;
      try {
        new DynamoDBCheckpointer({ endpoint, region: dynamo.region, credentials: dynamo.credentials });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('endpoint');
      expect((error as InvalidOptionError).message).toContain('http:// or https://');
      expect((error as InvalidOptionError).message).not.toContain('s3cr3t');
    },
  );

  it('fails with InvalidOptionError, its error the cause, when a tableName or streamIdentifier function throws', async () => {
    const thrown = new Error('no table configured for this stream');
    for (const options of [
      {
        tableName: (): string => {
          throw thrown;
        },
      },
      {
        tableName: 'one-app',
        streamIdentifier: (): string => {
          throw thrown;
        },
      },
    ]) {
      const checkpointer = new DynamoDBCheckpointer({
        endpoint: dynamo.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
        ...options,
      });
      try {
        // A consumer stops at once on an InvalidOptionError, instead of retrying a call that
        // fails the same way every time.
        const error = await rejectionOf(checkpointer.getCheckpoint('orders', 'shardId-000000000000'));
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect(error).toMatchObject({ option: Object.keys(options).at(-1), cause: thrown });
        expect((error as Error).message).toContain('it threw for stream "orders"');
      } finally {
        await checkpointer.close();
      }
    }
  });

  it('binds a table given by name to one stream', async () => {
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: uniqueTableName('single'),
    });
    try {
      expect(await checkpointer.getCheckpoint('orders', 'shardId-000000000000')).toBeUndefined();
      expect(
        await rejectionOf(checkpointer.getCheckpoint('payments', 'shardId-000000000000')),
      ).toBeInstanceOf(InvalidOptionError);
    } finally {
      await checkpointer.close();
    }
  });
});
