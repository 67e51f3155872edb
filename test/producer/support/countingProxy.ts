// An HTTP proxy in front of the test Kinesis that counts the PutRecords requests it holds at once,
// as the server sees them: a request counts from its arrival until its answer is written. Each
// PutRecords request is held `holdMs` before it is passed on, so requests sent close together are
// in flight together at the server even on a loaded machine.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly endpoint: string;
  /** PutRecords requests answered so far. */
  readonly putRecordsCalls: number;
  /** The most PutRecords requests the proxy held at once. */
  readonly mostInFlight: number;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string, holdMs: number): Promise<CountingProxy> {
  const target = new URL(upstream);
  let inFlight = 0;
  let mostInFlight = 0;
  let putRecordsCalls = 0;

  const forward = (incoming: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', () => response.destroy());
    outgoing.end(body);
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!String(incoming.headers['x-amz-target'] ?? '').endsWith('.PutRecords')) {
        forward(incoming, response, body);
        return;
      }
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      let counted = true;
      response.on('close', () => {
        if (!counted) return;
        counted = false;
        inFlight -= 1;
        putRecordsCalls += 1;
      });
      setTimeout(() => forward(incoming, response, body), holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get putRecordsCalls() {
      return putRecordsCalls;
    },
    get mostInFlight() {
      return mostInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
