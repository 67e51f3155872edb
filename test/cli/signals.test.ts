// Ctrl+C (SIGINT) and SIGTERM end the long-running commands cleanly: no stack trace, servers
// closed, the exit status the README gives; put delivers the lines it has read before it exits.
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { putRecords } from '../support/streamRecords.js';
import { startCli } from './liveCli.js';

jest.setTimeout(180_000);

let kinesis: TestKinesis;
let env: Record<string, string>;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
  env = {
    AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
    AWS_REGION: kinesis.region,
  };
});

afterAll(async () => {
  await kinesis.close();
});

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/Error:/);
}

async function recordsIn(stream: string): Promise<string[]> {
  const client = kinesis.createClient();
  try {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await client.send(new GetRecordsCommand({ ShardIterator }));
    return (Records ?? []).map((record) => Buffer.from(record.Data!).toString('utf8'));
  } finally {
    client.destroy();
  }
}

/**
 * A proxy in front of the local Kinesis that holds PutRecords requests until released, so that a
 * test can signal a command while lines it has read are still on their way.
 */
async function holdingProxy(target: string): Promise<{
  endpoint: string;
  putRecordsArrived: Promise<void>;
  release(): void;
  close(): Promise<void>;
}> {
  let arrived!: () => void;
  const putRecordsArrived = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const upstream = new URL(target);
  const server: Server = createHttpServer((incoming, outgoing) => {
    const held = String(incoming.headers['x-amz-target'] ?? '').endsWith('.PutRecords');
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (held) arrived();
      void (held ? released : Promise.resolve()).then(() => {
        const forwarded = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, host: upstream.host },
          },
          (answer: IncomingMessage) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forwarded.on('error', () => outgoing.destroy());
        forwarded.end(Buffer.concat(chunks));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    putRecordsArrived,
    release,
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('rxjs-kinesis put and signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s stops reading, delivers the lines it has read, prints the summary and exits 0',
    async (signal) => {
      const stream = uniqueStreamName('cli-signal');
      await kinesis.createStream(stream, 1);
      const proxy = await holdingProxy(kinesis.endpoint);
      try {
        const put = startCli(['put', stream, '--endpoint', proxy.endpoint], env);
        // stdin stays open, as with `tail -F app.log | rxjs-kinesis put logs`.
        put.child.stdin.write('{"n":1}\n{"n":2}\n{"n":3}\n');
        await proxy.putRecordsArrived;
        put.child.kill(signal);
        await put.waitFor('stderr', new RegExp(`^${signal}: reading stopped`, 'm'));
        proxy.release();
        const { code, signal: killedBy } = await put.exited();
        expect(killedBy).toBeNull();
        expect(code).toBe(0);
        expect(put.stderr()).toContain(`put ${stream}: 3 lines read, 3 delivered, 0 failed`);
        expectNoStackTrace(put.stderr());
        expect((await recordsIn(stream)).map((data) => JSON.parse(data) as unknown)).toEqual([
          { n: 1 },
          { n: 2 },
          { n: 3 },
        ]);
      } finally {
        await proxy.close();
      }
    },
  );

  it('exits at once with status 130 on a second SIGINT, saying how many lines it gave up on', async () => {
    const stream = uniqueStreamName('cli-signal');
    await kinesis.createStream(stream, 1);
    const proxy = await holdingProxy(kinesis.endpoint);
    try {
      const put = startCli(['put', stream, '--endpoint', proxy.endpoint], env);
      put.child.stdin.write('{"n":1}\n{"n":2}\n');
      await proxy.putRecordsArrived;
      put.child.kill('SIGINT');
      await put.waitFor('stderr', /^SIGINT: reading stopped/m);
      put.child.kill('SIGINT');
      const { code } = await put.exited();
      expect(code).toBe(130);
      expect(put.stderr()).toContain('SIGINT again: exiting without waiting for 2 lines');
      expectNoStackTrace(put.stderr());
    } finally {
      await proxy.close();
    }
  });
});

describe('rxjs-kinesis tail and signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s with status 0 and nothing on stderr',
    async (signal) => {
      const stream = uniqueStreamName('cli-signal');
      await kinesis.createStream(stream, 1);
      const client = kinesis.createClient();
      await putRecords(client, stream, ['{"n":1}']);
      client.destroy();
      const tail = startCli(['tail', stream, '--from', 'trim-horizon', '--endpoint', kinesis.endpoint], env);
      await tail.waitFor('stdout', /"data":\{"n":1\}/);
      tail.child.kill(signal);
      const { code, signal: killedBy } = await tail.exited();
      expect(killedBy).toBeNull();
      expect(code).toBe(0);
      expect(tail.stderr()).toBe('');
    },
  );
});

describe('rxjs-kinesis tail --efo --deregister and signals', () => {
  it('deregisters its stream consumer on SIGINT, as the README example stops it', async () => {
    const stream = uniqueStreamName('cli-signal');
    await kinesis.createStream(stream, 1);
    const client = kinesis.createClient();
    try {
      await putRecords(client, stream, ['{"n":1}']);
      const tail = startCli(
        [
          'tail',
          stream,
          '--from',
          'trim-horizon',
          '--efo',
          'audit-tail',
          '--deregister',
          '--endpoint',
          kinesis.endpoint,
        ],
        env,
      );
      await tail.waitFor('stdout', /"data":\{"n":1\}/);
      tail.child.kill('SIGINT');
      const { code } = await tail.exited();
      expect(code).toBe(0);
      expect(tail.stderr()).toBe('');
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      const { Consumers } = await client.send(
        new ListStreamConsumersCommand({ StreamARN: summary.StreamDescriptionSummary?.StreamARN }),
      );
      expect((Consumers ?? []).filter((consumer) => consumer.ConsumerStatus !== 'DELETING')).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});

describe('rxjs-kinesis local and signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s closes the endpoint and exits with status 0',
    async (signal) => {
      const local = startCli(['local', '--port', '0', '--stream', 'orders:1'], {});
      await local.waitFor('stdout', /Press Ctrl\+C to stop\./);
      const endpoint = /listening on (http:\/\/\S+)/.exec(local.stdout())![1]!;
      local.child.kill(signal);
      const { code, signal: killedBy } = await local.exited();
      expect(killedBy).toBeNull();
      expect(code).toBe(0);
      expect(local.stdout()).toMatch(/Stopping local Kinesis\.\.\.\n$/);
      expect(local.stderr()).toBe('');
      const { port } = new URL(endpoint);
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    },
  );
});

describe('rxjs-kinesis bench and signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s deletes its stream and exits with status %i', async (signal, status) => {
    const limited = await startTestKinesis({ embedded: true, limits: true });
    try {
      // With the limits on, 100,000 items take one shard well over a minute.
      const bench = startCli(
        ['bench', '--endpoint', limited.endpoint, '-n', '100000', '-p', 'json', '-v'],
        env,
      );
      await bench.waitFor('stderr', /^stream (\S+) \(1 shard\)/m);
      const stream = /^stream (\S+) \(1 shard\)/m.exec(bench.stderr())![1]!;
      bench.child.kill(signal);
      const { code, signal: killedBy } = await bench.exited();
      expect(killedBy).toBeNull();
      expect(code).toBe(status);
      expect(bench.stderr()).toContain(`${signal}: stopping, cleaning up...`);
      expectNoStackTrace(bench.stderr());
      const client = limited.createClient();
      try {
        const { StreamSummaries } = await client.send(new ListStreamsCommand({}));
        const left = (StreamSummaries ?? []).filter((summary) => summary.StreamName === stream);
        expect(left.map((summary) => summary.StreamStatus).filter((state) => state !== 'DELETING')).toEqual(
          [],
        );
      } finally {
        client.destroy();
      }
    } finally {
      await limited.close();
    }
  });
});

describe('rxjs-kinesis demo and signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s deletes the stream it created and exits with status %i', async (signal, status) => {
    // With the limits on, 100,000 items take a shard well over a minute: the demo is mid-way.
    const limited = await startTestKinesis({ embedded: true, limits: true });
    try {
      const demo = startCli(
        ['demo', '--endpoint', limited.endpoint, '-n', '100000', '--shards', '1', '-p', 'json'],
        env,
      );
      await demo.waitFor('stdout', /stream rxjs-kinesis-demo-\w+/);
      const stream = /stream (rxjs-kinesis-demo-\w+)/.exec(demo.stdout())![1]!;
      demo.child.kill(signal);
      const { code, signal: killedBy } = await demo.exited();
      expect(killedBy).toBeNull();
      expect(code).toBe(status);
      expect(demo.stderr()).toContain(`${signal}: stopping, cleaning up...`);
      expectNoStackTrace(demo.stderr());
      const client = limited.createClient();
      try {
        const { StreamSummaries } = await client.send(new ListStreamsCommand({}));
        const left = (StreamSummaries ?? []).filter((summary) => summary.StreamName === stream);
        // Gone, or on its way (DELETING lasts the local Kinesis's status delay).
        expect(left.map((summary) => summary.StreamStatus).filter((state) => state !== 'DELETING')).toEqual(
          [],
        );
      } finally {
        client.destroy();
      }
    } finally {
      await limited.close();
    }
  });
});
