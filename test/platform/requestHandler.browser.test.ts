import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { KEEPALIVE_BODY_LIMIT, PageAwareFetchHandler } from '../../src/platform/requestHandler.browser.js';
import { RecordingTarget, testPage } from './pageEnvironment.js';

/** An answer's body read to the end, as the SDK reads each one. */
function readBody(answer: Awaited<ReturnType<PageAwareFetchHandler['handle']>>): Promise<string> {
  return new Response(answer.response.body as ReadableStream<Uint8Array>).text();
}

describe('the browser build’s fetch handler', () => {
  let server: Server;
  let port: number;
  const received: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  beforeEach(() => {
    received.length = 0;
  });

  const request = (body = '{}') =>
    new HttpRequest({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: {},
      body,
    });

  it('sends at once while online', async () => {
    const { page } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 10_000 }, page);
    const { response } = await handler.handle(request());
    expect(response.statusCode).toBe(200);
    expect(received).toHaveLength(1);
    handler.destroy();
  });

  it('while offline, holds a request until the online event, then sends it', async () => {
    const { page, window, navigator } = testPage();
    navigator.onLine = false;
    const handler = new PageAwareFetchHandler({ requestTimeout: 60_000 }, page);
    const answer = handler.handle(request());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(0);
    expect(window.count('online')).toBe(1);
    navigator.onLine = true;
    window.dispatch('online');
    expect((await answer).response.statusCode).toBe(200);
    expect(received).toHaveLength(1);
    expect(window.count('online')).toBe(0);
    handler.destroy();
  });

  it('in a worker (no window: the global scope gets the online event), sends a held request on it', async () => {
    const scope = new RecordingTarget();
    const global = globalThis as unknown as Record<string, unknown>;
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.assign(global, {
      addEventListener: scope.addEventListener.bind(scope),
      removeEventListener: scope.removeEventListener.bind(scope),
    });
    Object.defineProperty(globalThis, 'navigator', { value: { onLine: false }, configurable: true });
    const handler = new PageAwareFetchHandler({ requestTimeout: 60_000 });
    const answer = handler.handle(request());
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toHaveLength(0);
      expect(scope.count('online')).toBe(1);
      Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true });
      scope.dispatch('online');
      expect((await answer).response.statusCode).toBe(200);
      expect(scope.count('online')).toBe(0);
    } finally {
      handler.destroy();
      await answer.catch(() => undefined);
      delete global.addEventListener;
      delete global.removeEventListener;
      if (saved === undefined) delete global.navigator;
      else Object.defineProperty(globalThis, 'navigator', saved);
    }
  });

  it('while offline, waits at most the request timeout, and stops waiting when aborted or destroyed', async () => {
    const { page, window, navigator } = testPage();
    navigator.onLine = false;
    const handler = new PageAwareFetchHandler({ requestTimeout: 400 }, page);
    const started = Date.now();
    expect((await handler.handle(request())).response.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);

    const controller = new AbortController();
    const aborted = handler.handle(request(), { abortSignal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });

    const long = new PageAwareFetchHandler({ requestTimeout: 60_000 }, page);
    const released = long.handle(request());
    long.destroy();
    expect((await released).response.statusCode).toBe(200);
    expect(window.count('online')).toBe(0);
    handler.destroy();
  });

  /** A server that reads each request and then does what `answer` says; tells when its socket closes. */
  async function stallingServer(answer: (res: import('node:http').ServerResponse) => void): Promise<{
    port: number;
    closed: () => number;
    stop: () => Promise<void>;
  }> {
    let closed = 0;
    const stalling = createServer((req, res) => {
      req.socket.on('close', () => (closed += 1));
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    return {
      port: (stalling.address() as AddressInfo).port,
      closed: () => closed,
      stop: () =>
        new Promise<void>((resolve) => {
          stalling.close(() => resolve());
          stalling.closeAllConnections();
        }),
    };
  }

  const within = async (ms: number, check: () => boolean): Promise<boolean> => {
    for (const until = Date.now() + ms; Date.now() < until;) {
      if (check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return check();
  };

  it('aborts a request past its deadline: it does not go on holding a connection', async () => {
    const stalling = await stallingServer(() => undefined);
    const { page } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 300 }, page);
    try {
      await expect(handler.handle(Object.assign(request(), { port: stalling.port }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // The SDK's fetch handler stops waiting but leaves the fetch running; this one cancels it.
      expect(await within(5_000, () => stalling.closed() === 1)).toBe(true);
    } finally {
      handler.destroy();
      await stalling.stop();
    }
  });

  it('fails a request past its deadline with a RequestTimeoutError, as the Node build does', async () => {
    const stalling = await stallingServer(() => undefined);
    const { page } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 300 }, page);
    try {
      const failure = await handler
        .handle(Object.assign(request(), { port: stalling.port }))
        .catch(classifyError);
      expect(failure).toBeInstanceOf(RequestTimeoutError);
      expect((failure as RequestTimeoutError).message).toMatch(/no answer within the 300 ms requestTimeout/);
    } finally {
      handler.destroy();
      await stalling.stop();
    }
  });

  it('fails an answer whose body pauses longer than the request timeout, and aborts it', async () => {
    const stalling = await stallingServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"Shards":[');
    });
    const { page } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 300 }, page);
    try {
      const { response } = await handler.handle(Object.assign(request(), { port: stalling.port }));
      expect(response.statusCode).toBe(200);
      const read = new Response(response.body as ReadableStream<Uint8Array>).text();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        read.then(
          () => 'read',
          (error: unknown) => error,
        ),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5_000))),
      ]);
      clearTimeout(timer);
      expect(outcome).toMatchObject({
        name: 'TimeoutError',
        message: expect.stringMatching(/300 ms request timeout/),
      });
      expect(await within(5_000, () => stalling.closed() === 1)).toBe(true);
    } finally {
      handler.destroy();
      await stalling.stop();
    }
  });

  it('asks for fetch keepalive only while the page is hidden, and only for bodies within the limit', () => {
    const { page, document } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 10_000 }, page);
    const requestInit = handler.httpHandlerConfigs().requestInit;
    if (requestInit === undefined) throw new Error('no requestInit');
    const small = request('x'.repeat(1000));
    const large = request('x'.repeat(KEEPALIVE_BODY_LIMIT + 1));
    expect(requestInit(small)).toEqual({});
    document.visibilityState = 'hidden';
    expect(requestInit(small)).toEqual({ keepalive: true });
    expect(requestInit(large)).toEqual({});
    // Multi-byte characters count as their UTF-8 bytes.
    expect(requestInit(request('é'.repeat(KEEPALIVE_BODY_LIMIT / 2 + 1)))).toEqual({});
    handler.destroy();
  });

  it('keeps the keepalive bodies in flight within the page’s 64 KiB: a request past it goes without keepalive', async () => {
    // A browser refuses (as a network error) a keepalive fetch whose body would take the page's
    // keepalive bodies in flight past 64 KiB.
    const held: (() => void)[] = [];
    const slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => held.push(() => res.writeHead(200).end('{}')));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowPort = (slow.address() as AddressInfo).port;
    const keepalive: boolean[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      keepalive.push(input instanceof Request ? input.keepalive : init?.keepalive === true);
      return realFetch(input, init);
    };
    const { page, document } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 10_000 }, page);
    const bodyOf = (bytes: number) => Object.assign(request('x'.repeat(bytes)), { port: slowPort });
    try {
      document.visibilityState = 'hidden';
      const first = handler.handle(bodyOf(40 * 1024));
      const second = handler.handle(bodyOf(40 * 1024));
      const third = handler.handle(bodyOf(20 * 1024));
      while (held.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(keepalive).toEqual([true, false, true]);
      for (const answer of held.splice(0)) answer();
      // Answered and read to the end (as the SDK reads every answer): no longer in flight.
      await Promise.all([first, second, third].map(async (answer) => readBody(await answer)));
      const fourth = handler.handle(bodyOf(60 * 1024));
      while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(keepalive).toEqual([true, false, true, true]);
      held.splice(0).forEach((answer) => answer());
      await readBody(await fourth);
    } finally {
      globalThis.fetch = realFetch;
      handler.destroy();
      await new Promise<void>((resolve) => {
        slow.close(() => resolve());
        slow.closeAllConnections();
      });
    }
  });
  it('counts a keepalive request in flight until its answer’s body is read, as a browser does', async () => {
    // A browser holds a keepalive request's bytes against the page's 64 KiB until the answer's
    // body has arrived, not only its headers: a request the budget cannot take goes without.
    const rest: (() => void)[] = [];
    const halfway = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '2' });
        res.write('{');
        rest.push(() => res.end('}'));
      });
    });
    await new Promise<void>((resolve) => halfway.listen(0, '127.0.0.1', resolve));
    const halfwayPort = (halfway.address() as AddressInfo).port;
    const keepalive: boolean[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      keepalive.push(input instanceof Request ? input.keepalive : init?.keepalive === true);
      return realFetch(input, init);
    };
    const { page, document } = testPage();
    const handler = new PageAwareFetchHandler({ requestTimeout: 10_000 }, page);
    const bodyOf = (bytes: number) => Object.assign(request('x'.repeat(bytes)), { port: halfwayPort });
    try {
      document.visibilityState = 'hidden';
      const first = await handler.handle(bodyOf(40 * 1024));
      // The first answer's headers are in, its body is not: its 40 KiB are still in flight.
      const second = await handler.handle(bodyOf(40 * 1024));
      expect(keepalive).toEqual([true, false]);
      for (const finish of rest.splice(0)) finish();
      expect(await readBody(first)).toBe('{}');
      expect(await readBody(second)).toBe('{}');
      const third = handler.handle(bodyOf(40 * 1024));
      while (rest.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(keepalive).toEqual([true, false, true]);
      rest.splice(0).forEach((finish) => finish());
      expect(await readBody(await third)).toBe('{}');
    } finally {
      globalThis.fetch = realFetch;
      handler.destroy();
      await new Promise<void>((resolve) => {
        halfway.close(() => resolve());
        halfway.closeAllConnections();
      });
    }
  });
});
