// A proxy between a DynamoDB client and the test DynamoDB that answers chosen requests itself, as
// a real endpoint or the network between may: throttled (400 ProvisionedThroughputExceeded), a 5xx
// with a load balancer's HTML page, a 200 whose body is cut or not JSON (after the request was
// applied), or no answer at all while paused (requests held, then sent on or dropped).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHttpRequest } from '../support/forwardHttpRequest.js';

/** What the proxy does with one request of an operation. */
export type WireFault =
  /** Answered by the proxy without reaching the table. */
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly contentType?: string }
  /** Applied by the table; the client gets a 200 with this body instead of the table's answer. */
  | { readonly kind: 'applied-then-garbled'; readonly body: string };

export const throttled: WireFault = {
  kind: 'answer',
  status: 400,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
};

/** A gateway's HTML error page; `echo` appends the request's headers, as some misconfigured proxies do. */
export const badGateway: WireFault = {
  kind: 'answer',
  status: 502,
  contentType: 'text/html',
  body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
};

export interface WireFaultProxy {
  readonly endpoint: string;
  /** The next `count` requests of `operation` ('UpdateItem', 'GetItem', ...) meet `fault`. */
  inject(operation: string, fault: WireFault, count?: number): void;
  /** Requests from now on are held (no answer) until resume(). */
  pause(): void;
  /** Held requests go on to the table (their clients may have given up: answers go nowhere then). */
  resume(): void;
  /** Requests of each operation seen so far. */
  readonly seen: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export async function startWireFaultProxy(upstream: string): Promise<WireFaultProxy> {
  const target = new URL(upstream);
  const faults = new Map<string, WireFault[]>();
  const seen = new Map<string, number>();
  let paused = false;
  let held: (() => void)[] = [];

  const forward = (incoming: IncomingMessage, body: Buffer) => forwardHttpRequest(target, incoming, body);

  const reply = (response: ServerResponse, status: number, contentType: string, body: string | Buffer) => {
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse, body: Buffer) => {
    if (paused) await new Promise<void>((resolve) => held.push(resolve));
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    seen.set(operation, (seen.get(operation) ?? 0) + 1);
    const fault = faults.get(operation)?.shift();
    if (fault?.kind === 'answer') {
      reply(response, fault.status, fault.contentType ?? 'application/x-amz-json-1.0', fault.body);
      return;
    }
    const answer = await forward(incoming, body);
    if (fault?.kind === 'applied-then-garbled') {
      reply(response, 200, 'application/x-amz-json-1.0', fault.body);
      return;
    }
    const { connection: _connection, 'transfer-encoding': _encoding, ...headers } = answer.headers;
    if (response.destroyed) return;
    response.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
    response.end(answer.body);
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void handle(incoming, response, Buffer.concat(chunks)).catch(() => incoming.socket.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const resume = () => {
    paused = false;
    const waiting = held;
    held = [];
    for (const go of waiting) go();
  };
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    inject(operation, fault, count = 1) {
      faults.set(operation, [
        ...(faults.get(operation) ?? []),
        ...Array.from({ length: count }, () => fault),
      ]);
    },
    pause() {
      paused = true;
    },
    resume,
    async close() {
      resume();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
