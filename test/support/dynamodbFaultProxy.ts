// An HTTP proxy in front of the test DynamoDB that injects faults into chosen requests:
// - for writes whose outcome the client cannot know: the request is applied but its answer is lost
//   (the connection is closed instead), the request never reaches the table, or it is held on its
//   way and applied later (after the client gave up on it);
// - on the wire, as a real endpoint or the network between may answer: throttled (400
//   ProvisionedThroughputExceeded), a 5xx with a load balancer's HTML page, a 200 whose body is cut
//   or not JSON (after the request was applied), or no answer at all while paused (requests held,
//   then sent on).
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHttpRequest } from './forwardHttpRequest.js';

/** A DynamoDB operation as its `X-Amz-Target` names it, e.g. 'UpdateItem'. */
export type DynamoDBOperation = string;

const JSON_TYPE = 'application/x-amz-json-1.0';

/** What the proxy answers to one request of an operation instead of the table's answer. */
export type WireFault =
  /** Answered by the proxy without reaching the table. */
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly contentType?: string }
  /** Applied by the table; the client gets a 200 with this body instead of the table's answer. */
  | { readonly kind: 'applied-then-garbled'; readonly body: string };

export const throttled: WireFault = {
  kind: 'answer',
  status: 400,
  contentType: JSON_TYPE,
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
};

/** A gateway's HTML error page. */
export const badGateway: WireFault = {
  kind: 'answer',
  status: 502,
  contentType: 'text/html',
  body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
};

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
  /** The next `count` requests of `operation` meet `fault`. */
  inject(operation: DynamoDBOperation, fault: WireFault, count?: number): void;
  /** Requests from now on are held (no answer, not counted in `seen` yet) until resume(). */
  pause(): void;
  /** Held requests go on (their clients may have given up: answers go nowhere then). */
  resume(): void;
  /** Requests of each operation seen so far. */
  readonly seen: ReadonlyMap<DynamoDBOperation, number>;
  close(): Promise<void>;
}

/** What the proxy does with one request, queued per operation. */
type Fault =
  | WireFault
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
  let paused = false;
  /** Requests waiting for resume(). */
  let waiting: (() => void)[] = [];

  const forward = (incoming: IncomingMessage, body: Buffer) => forwardHttpRequest(target, incoming, body);

  const reply = (response: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: Buffer) => {
    if (response.destroyed) return;
    response.writeHead(status, { ...headers, 'content-length': body.length });
    response.end(body);
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse, body: Buffer) => {
    if (paused) await new Promise<void>((resolve) => waiting.push(resolve));
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    seen.set(operation, (seen.get(operation) ?? 0) + 1);
    const fault = faults.get(operation)?.shift();
    // Faults that keep the request from the table, or from its answer.
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
    if (fault?.kind === 'answer') {
      const contentType = fault.contentType ?? JSON_TYPE;
      reply(response, fault.status, { 'content-type': contentType }, Buffer.from(fault.body));
      return;
    }
    // The request is applied by the table; its answer may still be lost or garbled.
    const answer = await forward(incoming, body);
    if (fault?.kind === 'lose-answer') {
      await fault.onLost();
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === 'applied-then-garbled') {
      reply(response, 200, { 'content-type': JSON_TYPE }, Buffer.from(fault.body));
      return;
    }
    const { connection: _connection, 'transfer-encoding': _encoding, ...headers } = answer.headers;
    reply(response, answer.status, headers, answer.body);
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
  const resume = () => {
    paused = false;
    const resumed = waiting;
    waiting = [];
    for (const go of resumed) go();
  };

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
    inject(operation, fault, count = 1) {
      for (let index = 0; index < count; index += 1) queue(operation, fault);
    },
    pause() {
      paused = true;
    },
    resume,
    async close() {
      resume();
      for (const letGo of unreleased) letGo();
      server.closeAllConnections();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
