import { createServer } from 'node:net';
import { linesOf, runCli } from '../runCli.js';

jest.setTimeout(120_000);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('rxjs-kinesis tail from an endpoint nothing listens on', () => {
  it('exits with status 1 and one line naming the endpoint and the cause, within seconds', async () => {
    const port = await closedPort();
    const started = Date.now();
    const result = await runCli(['tail', 'orders', '--endpoint', `http://user:hunter2@127.0.0.1:${port}`], {
      env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' },
      timeoutMs: 60_000,
    });
    // Retried for 5 s, not for the 120 s ensureStream waits for ACTIVE.
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr).filter((line) => line.startsWith('rxjs-kinesis:'))).toEqual([
      `rxjs-kinesis: cannot reach Kinesis at http://127.0.0.1:${port}/: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
    expect(result.stderr).not.toContain('hunter2');
  });
});

describe('rxjs-kinesis tail from an endpoint with a token in its query', () => {
  it('hides the token and keeps the colon after the endpoint', async () => {
    const port = await closedPort();
    const result = await runCli(['tail', 'orders', '--endpoint', `http://127.0.0.1:${port}/?token=abc123`], {
      env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr).filter((line) => line.startsWith('rxjs-kinesis:'))).toEqual([
      `rxjs-kinesis: cannot reach Kinesis at http://127.0.0.1:${port}/?token=***: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
    expect(result.stderr).not.toContain('abc123');
  });
});

describe('rxjs-kinesis tail with an empty AWS_REGION and no endpoint', () => {
  it('exits with status 1 and one line saying what to set, or to use a local Kinesis', async () => {
    const result = await runCli(['tail', 'orders'], {
      env: { AWS_REGION: '', AWS_ENDPOINT_URL_KINESIS: '', AWS_ENDPOINT_URL: '' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      'rxjs-kinesis: Region not accepted: region="" is not a valid hostname component; pass --region (e.g. eu-west-1) or set AWS_REGION, ' +
        'or pass --endpoint http://127.0.0.1:4567 for a local Kinesis (rxjs-kinesis local)',
    ]);
  });
});
