import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisClient, ListStreamsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { classifyError } from '../../src/kinesis/classifyError.js';
import {
  createKinesisClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  SDK_LOGGER_MIDDLEWARE,
  validateConnectionTimeouts,
} from '../../src/kinesis/createKinesisClient.js';
import { DeadlineRequestHandler } from '../../src/kinesis/DeadlineRequestHandler.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('createKinesisClient timeouts', () => {
  it('defaults to 5 s to connect and 30 s per request, and validates both', () => {
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(5000);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(validateConnectionTimeouts({})).toEqual({ connectTimeout: 5000, requestTimeout: 30_000 });
    expect(validateConnectionTimeouts({ connectTimeout: 100, requestTimeout: 200 })).toEqual({
      connectTimeout: 100,
      requestTimeout: 200,
    });
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '100']) {
      expect(() => createKinesisClient({ requestTimeout: bad as number })).toThrow(InvalidOptionError);
      expect(() => createKinesisClient({ connectTimeout: bad as number })).toThrow(/connectTimeout/);
    }
  });

  it('installs them on the HTTP/1.1 handler of an endpoint', async () => {
    const client = createKinesisClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials,
      connectTimeout: 1234,
      requestTimeout: 4321,
    });
    const handler = client.config.requestHandler as unknown as {
      httpHandlerConfigs(): Record<string, unknown>;
      handle(...args: unknown[]): unknown;
    };
    // The handler resolves its configuration on first use.
    await client.send(new ListStreamsCommand({})).catch(() => undefined);
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: 1234,
      requestTimeout: 4321,
      socketTimeout: 4321,
      throwOnRequestTimeout: true,
    });
    client.destroy();
  });

  it('bounds requests to AWS itself (the SDK HTTP/2 handler) with a deadline', () => {
    const saved = ['AWS_ENDPOINT_URL_KINESIS', 'AWS_ENDPOINT_URL', 'KINESIS_ENDPOINT'].map(
      (name) => [name, process.env[name]] as const,
    );
    for (const [name] of saved) delete process.env[name];
    try {
      const client = createKinesisClient({ region: 'eu-west-1', credentials, requestTimeout: 2000 });
      expect(client.config.requestHandler).toBeInstanceOf(DeadlineRequestHandler);
      expect(
        (client.config.requestHandler as unknown as DeadlineRequestHandler).metadata.handlerProtocol,
      ).toBe('h2');
      client.destroy();
    } finally {
      for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
    }
  });

  describe('against a server that reads requests and never answers', () => {
    let server: Server;
    let endpoint: string;
    beforeAll(async () => {
      server = createServer((req) => {
        req.resume();
      });
      endpoint = await listen(server);
    });
    afterAll(() => close(server));

    it('fails a request after requestTimeout with a retriable RequestTimeoutError', async () => {
      const client = createKinesisClient({ endpoint, region: 'us-east-1', credentials, requestTimeout: 400 });
      const started = Date.now();
      const error = await client
        .send(
          new PutRecordsCommand({
            StreamName: 's',
            Records: [{ Data: new Uint8Array(1), PartitionKey: 'k' }],
          }),
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const elapsed = Date.now() - started;
      client.destroy();
      expect(error).toBeDefined();
      const classified = classifyError(error, { streamName: 's' });
      expect(classified).toBeInstanceOf(RequestTimeoutError);
      expect(classified).toBeInstanceOf(ConnectionError);
      expect(classified.retriable).toBe(true);
      expect(classified.message).toMatch(/400 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(10_000);
    });
  });

  it('fails a request whose answer stalls midway after requestTimeout of silence', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': 100 });
      res.write('{"StreamNames":');
    });
    const endpoint = await listen(server);
    const client = createKinesisClient({ endpoint, region: 'us-east-1', credentials, requestTimeout: 400 });
    try {
      const started = Date.now();
      const error = await client.send(new ListStreamsCommand({})).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(classifyError(error)).toBeInstanceOf(RequestTimeoutError);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      client.destroy();
      await close(server);
    }
  });
});

describe('createKinesisClient endpoint from the environment', () => {
  const names = [
    'AWS_ENDPOINT_URL_KINESIS',
    'AWS_ENDPOINT_URL',
    'KINESIS_ENDPOINT',
    'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  ];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { 'env-endpoint': 1 } });
  });
  afterAll(() => local.close());
  beforeEach(() => {
    for (const name of names) delete process.env[name];
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function streamsSeen(): Promise<string[] | string> {
    const client = createKinesisClient({ region: 'us-east-1', credentials, requestTimeout: 5000 });
    try {
      const answer = await client.send(new ListStreamsCommand({}));
      return answer.StreamNames ?? [];
    } catch (error) {
      return String((error as Error).message);
    } finally {
      client.destroy();
    }
  }

  it.each(['AWS_ENDPOINT_URL_KINESIS', 'AWS_ENDPOINT_URL', 'KINESIS_ENDPOINT'])(
    'uses %s, over HTTP/1.1 for an http:// URL',
    async (name) => {
      process.env[name] = local.endpoint;
      expect(await streamsSeen()).toEqual(['env-endpoint']);
    },
  );

  it('prefers the endpoint option, then AWS_ENDPOINT_URL_KINESIS, then AWS_ENDPOINT_URL, then KINESIS_ENDPOINT', async () => {
    const dead = 'http://127.0.0.1:9';
    process.env.AWS_ENDPOINT_URL_KINESIS = local.endpoint;
    process.env.AWS_ENDPOINT_URL = dead;
    process.env.KINESIS_ENDPOINT = dead;
    expect(await streamsSeen()).toEqual(['env-endpoint']);
    process.env.AWS_ENDPOINT_URL_KINESIS = '';
    process.env.AWS_ENDPOINT_URL = local.endpoint;
    expect(await streamsSeen()).toEqual(['env-endpoint']);
    const explicit = createKinesisClient({ endpoint: dead, region: 'us-east-1', credentials });
    await expect(explicit.send(new ListStreamsCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    explicit.destroy();
  });

  it('skips the AWS_ variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, not KINESIS_ENDPOINT', async () => {
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
    process.env.AWS_ENDPOINT_URL_KINESIS = 'http://127.0.0.1:9';
    process.env.KINESIS_ENDPOINT = local.endpoint;
    expect(await streamsSeen()).toEqual(['env-endpoint']);
  });

  it('names the variable that holds an invalid URL', () => {
    process.env.AWS_ENDPOINT_URL_KINESIS = 'localhost:4567';
    expect(() => createKinesisClient({ region: 'us-east-1' })).toThrow(
      /Invalid option "endpoint \(from AWS_ENDPOINT_URL_KINESIS\)"/,
    );
  });
});

describe('createKinesisClient and the SDK logging middleware', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { logged: 1 } });
  });
  afterAll(() => local.close());

  it('leaves it out of the clients it builds, and out of nothing else', async () => {
    const built = createKinesisClient({ endpoint: local.endpoint, region: 'us-east-1', credentials });
    const own = new KinesisClient({ region: 'us-east-1' });
    try {
      const names = (client: KinesisClient) => client.middlewareStack.identify().join(', ');
      expect(names(built)).not.toContain(SDK_LOGGER_MIDDLEWARE);
      // A caller's own client is used as given.
      expect(names(own)).toContain(SDK_LOGGER_MIDDLEWARE);
      expect(createKinesisClient({ client: own })).toBe(own);
      expect(names(own)).toContain(SDK_LOGGER_MIDDLEWARE);
      // Requests and answers (and errors) go through unchanged.
      const answer = await built.send(
        new PutRecordsCommand({
          StreamName: 'logged',
          Records: [{ Data: Buffer.from('x'), PartitionKey: 'k' }],
        }),
      );
      expect(answer.FailedRecordCount).toBe(0);
      await expect(built.send(new ListStreamsCommand({ Limit: 0 }))).rejects.toThrow();
    } finally {
      built.destroy();
      own.destroy();
    }
  });
});
