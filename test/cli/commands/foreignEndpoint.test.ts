// An endpoint where something other than Kinesis answers (a web server on that port, a proxy's
// error page) is named as such within seconds, in one line. It used to print the SDK's words
// ("UnknownError"; a second line about a hidden `$response` field) or, for a 5xx page, to retry
// until the stream wait ran out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { linesOf, runCli } from '../runCli.js';

jest.setTimeout(180_000);

const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

const answers: Record<string, { status: number; type?: string; body: string }> = {
  'an empty 404': { status: 404, body: '' },
  'an HTML page': { status: 200, type: 'text/html', body: '<html>secret-page</html>' },
  'a 502 error page': { status: 502, type: 'text/html', body: '<html>Bad gateway</html>' },
};

const servers: Server[] = [];
const ports = new Map<string, number>();

beforeAll(async () => {
  for (const [name, answer] of Object.entries(answers)) {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, answer.type === undefined ? {} : { 'content-type': answer.type });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.set(name, (server.address() as AddressInfo).port);
  }
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('rxjs-kinesis and an endpoint where something else answers', () => {
  // One CLI at a time: six at once, with their endpoints served on this process, starve each other.
  it.each(
    Object.keys(answers).flatMap((answer) => [
      ['put', answer],
      ['tail', answer],
    ]),
  )('%s against %s exits with status 1 and one line saying so', async (command, answer) => {
    const port = ports.get(answer) as number;
    const status = answers[answer]?.status as number;
    const started = Date.now();
    const result = await runCli([command, 'orders', '--endpoint', `http://127.0.0.1:${port}`], {
      env,
      input: '{"a":1}\n',
      timeoutMs: 120_000,
    });
    // The bound only catches a hang (a 5xx page was retried for the minute of the stream wait).
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      `rxjs-kinesis: cannot reach Kinesis at http://127.0.0.1:${port}/: it answered HTTP ${status}, ` +
        'not as Kinesis answers (is it a Kinesis endpoint?)',
    ]);
    expect(result.stderr + result.stdout).not.toContain('secret-page');
  });
});
