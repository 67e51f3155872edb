// An HTTP proxy in front of the test DynamoDB that injects faults into chosen requests, for
// writes whose outcome the client cannot know: the request is applied but its answer is lost
// (the connection is closed instead), the request never reaches the table, or it is held on its
// way and applied later (after the client gave up on it).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHttpRequest } from './forwardHttpRequest.js';

/** A DynamoDB operation as its `X-Amz-Target` names it, e.g. 'UpdateItem'. */
export type DynamoDBOperation = string;

/** A request held on its way to the table. */
export interface HeldRequest {
  /** Resolves once the request reached the proxy (and is held there). */
  readonly reached: Promise<void>;
  /** Sends it on to the table; resolves once the table answered (the answer goes nowhere). */
  release(): Promise<void>;
}

export interface DynamoDBFaultProxy {
  readonly endpoint: string;
  /**
   * The next `count` requests of `operation` reach the table and are applied, but their answer is
   * lost: the proxy closes the client's connection instead. `onLost` runs before each close.
   */
  loseAnswers(operation: DynamoDBOperation, count: number, onLost?: () => Promise<void> | void): void;
  /**
   * The next request of `operation` never reaches the table: `before` runs, then the proxy closes
   * the client's connection.
   */
  dropRequest(operation: DynamoDBOperation, before?: () => Promise<void> | void): void;
  /** The next request of `operation` is held until `release()` (the client times out meanwhile). */
  hold(operation: DynamoDBOperation): HeldRequest;
  /** Requests of each operation seen so far. */
  readonly seen: ReadonlyMap<DynamoDBOperation, number>;
  close(): Promise<void>;
}

type Fault =
  | { readonly kind: 'lose-answer'; readonly onLost: () => Promise<void> | void }
  | { readonly kind: 'drop-request'; readonly before: () => Promise<void> | void }
  | { readonly kind: 'hold'; readonly reached: () => void; readonly released: Promise<() => void> };

export async function startDynamoDBFaultProxy(upstream: string): Promise<DynamoDBFaultProxy> {
  const target = new URL(upstream);
  const faults = new Map<DynamoDBOperation, Fault[]>();
  const seen = new Map<DynamoDBOperation, number>();
  const pending = new Set<Promise<unknown>>();
  /** Held requests not yet released: close() lets them go. */
  const unreleased = new Set<() => void>();

  const forward = (incoming: IncomingMessage, body: Buffer) => forwardHttpRequest(target, incoming, body);

  const handle = async (incoming: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    seen.set(operation, (seen.get(operation) ?? 0) + 1);
    const fault = faults.get(operation)?.shift();
    if (fault?.kind === 'drop-request') {
      await fault.before();
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === 'hold') {
      fault.reached();
      const done = await fault.released;
      await forward(incoming, body).finally(done);
      incoming.socket.destroy();
      return;
    }
    const answer = await forward(incoming, body);
    if (fault?.kind === 'lose-answer') {
      await fault.onLost();
      incoming.socket.destroy();
      return;
    }
    const { connection: _connection, 'transfer-encoding': _encoding, ...headers } = answer.headers;
    response.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
    response.end(answer.body);
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const handling = handle(incoming, response, Buffer.concat(chunks)).catch(() =>
        incoming.socket.destroy(),
      );
      pending.add(handling);
      void handling.finally(() => pending.delete(handling));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const queue = (operation: DynamoDBOperation, fault: Fault) =>
    faults.set(operation, [...(faults.get(operation) ?? []), fault]);

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    loseAnswers(operation, count, onLost = () => undefined) {
      for (let index = 0; index < count; index += 1) queue(operation, { kind: 'lose-answer', onLost });
    },
    dropRequest(operation, before = () => undefined) {
      queue(operation, { kind: 'drop-request', before });
    },
    hold(operation) {
      let reached!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      let release!: (done: () => void) => void;
      const released = new Promise<() => void>((resolve) => (release = resolve));
      queue(operation, { kind: 'hold', reached, released });
      const letGo = () => release(() => undefined);
      unreleased.add(letGo);
      return {
        reached: reachedPromise,
        release: () =>
          new Promise<void>((resolve) => {
            unreleased.delete(letGo);
            release(resolve);
          }),
      };
    },
    async close() {
      for (const letGo of unreleased) letGo();
      server.closeAllConnections();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
