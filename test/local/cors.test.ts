import { request } from 'node:http';
import { Command } from 'commander';
import { registerLocalCommand } from '../../src/cli/commands/local.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { resolveCors } from '../../src/local/cors.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request to the local endpoint, as a browser would send it. */
function send(endpoint: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method, headers, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const PAGE = 'http://localhost:4200';
const SDK_HEADERS =
  'authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request';

const preflight = (endpoint: string, origin: string, requestHeaders = SDK_HEADERS) =>
  send(endpoint, 'OPTIONS', {
    Origin: origin,
    'Access-Control-Request-Method': 'POST',
    'Access-Control-Request-Headers': requestHeaders,
  });

const listStreams = (endpoint: string, origin: string) =>
  send(
    endpoint,
    'POST',
    {
      Origin: origin,
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'Kinesis_20131202.ListStreams',
      'X-Amz-Date': '20261130T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=local/20261130/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
    },
    '{}',
  );

describe('CORS on the local endpoint', () => {
  describe('with cors: { origins }', () => {
    let local: LocalKinesis;
    beforeAll(async () => {
      local = await startLocalKinesis({ cors: { origins: [PAGE] } });
    });
    afterAll(() => local.close());

    it('answers a preflight with the AWS request headers for an allowed origin', async () => {
      const answer = await preflight(local.endpoint, PAGE);
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe(PAGE);
      expect(answer.headers['access-control-allow-methods']).toContain('POST');
      expect(String(answer.headers['access-control-allow-headers']).split(', ').sort()).toEqual(
        SDK_HEADERS.split(',').sort(),
      );
      expect(answer.headers['access-control-max-age']).toBe('600');
    });

    it('lets the page read the answer and the headers the SDK needs', async () => {
      const answer = await listStreams(local.endpoint, PAGE);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('StreamNames');
      expect(answer.headers['access-control-allow-origin']).toBe(PAGE);
      const exposed = String(answer.headers['access-control-expose-headers']).toLowerCase();
      for (const name of ['x-amzn-requestid', 'x-amzn-errortype', 'date']) expect(exposed).toContain(name);
      expect(answer.headers['x-amzn-requestid']).toBeDefined();
    });

    it('refuses another origin, and request headers Kinesis does not take', async () => {
      const other = await preflight(local.endpoint, 'http://evil.localhost:8080');
      expect(other.status).toBe(403);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const strange = await preflight(local.endpoint, PAGE, 'content-type,x-custom-header');
      expect(strange.status).toBe(403);
      // The store's own permissive CORS answer does not leak through for the other origin.
      const answer = await listStreams(local.endpoint, 'http://evil.localhost:8080');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers an OPTIONS without Access-Control-Request-Method as a request naming no operation', async () => {
      // Not a preflight (a browser's always names the method): Kinesis refuses any request
      // without an operation with 403 AccessDeniedException, and so does the endpoint.
      const bare = await send(local.endpoint, 'OPTIONS', { Origin: PAGE });
      expect(bare.status).toBe(403);
      expect(bare.body).toContain('<AccessDeniedException>');
      expect(bare.body).toContain('Unable to determine service/operation name to be authorized');
      expect(bare.headers['access-control-allow-origin']).toBe(PAGE);
      const get = await send(local.endpoint, 'GET', { Origin: PAGE });
      expect({ status: get.status, body: get.body }).toEqual({ status: bare.status, body: bare.body });
      expect((await preflight(local.endpoint, PAGE)).status).toBe(204);
    });

    it('adds the CORS headers to answers the front makes itself (errors)', async () => {
      const answer = await send(
        local.endpoint,
        'POST',
        {
          Origin: PAGE,
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'Kinesis_20131202.PutRecords',
        },
        '{"StreamName":"missing","Records":[{"Data":"eA==","PartitionKey":"k"}]}',
      );
      expect(answer.status).toBe(400);
      expect(answer.headers['access-control-allow-origin']).toBe(PAGE);
    });
  });

  it('is off by default: no cross-origin headers, not even the backing store’s', async () => {
    const local = await startLocalKinesis();
    try {
      const answer = await listStreams(local.endpoint, PAGE);
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await preflight(local.endpoint, PAGE);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await local.close();
    }
  });

  it('cors: true lets any origin in, and answers Private Network Access preflights', async () => {
    const local = await startLocalKinesis({ cors: true });
    try {
      const answer = await send(local.endpoint, 'OPTIONS', {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
        'Access-Control-Request-Private-Network': 'true',
      });
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(answer.headers['access-control-allow-private-network']).toBe('true');
    } finally {
      await local.close();
    }
  });

  it.each([
    [{ origins: [] }],
    [{ origins: ['localhost:4200'] }],
    [{ origins: ['http://a.test/path'] }],
    ['yes'],
  ])('refuses cors: %j', (cors) => {
    expect(() => resolveCors(cors)).toThrow(InvalidOptionError);
  });

  it('is on in `rxjs-kinesis local` unless --no-cors, and --cors-origin narrows it', async () => {
    const run = async (flags: string[]): Promise<{ output: string; allowed: unknown }> => {
      let output = '';
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const started = new Promise<LocalKinesis>((resolve) => {
        const root = new Command('rxjs-kinesis').exitOverride();
        registerLocalCommand(root, {
          write: (text) => (output += text),
          stopSignal: () => stopped,
          onStarted: resolve,
        });
        void root.parseAsync(['local', '--port', '0', ...flags], { from: 'user' });
      });
      const local = await started;
      try {
        const answer = await preflight(local.endpoint, PAGE);
        return { output, allowed: answer.headers['access-control-allow-origin'] };
      } finally {
        stop();
        await local.close();
      }
    };
    const byDefault = await run([]);
    expect(byDefault.output).toContain('cors:        any origin');
    expect(byDefault.allowed).toBe(PAGE);
    const off = await run(['--no-cors']);
    expect(off.output).toContain('cors:        off');
    expect(off.allowed).toBeUndefined();
    const narrowed = await run(['--cors-origin', 'http://localhost:3000']);
    expect(narrowed.output).toContain('cors:        http://localhost:3000');
    expect(narrowed.allowed).toBeUndefined();
  });
});
