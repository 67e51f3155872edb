import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { KEEPALIVE_BODY_LIMIT, PageAwareFetchHandler } from '../../src/platform/requestHandler.browser.js';
import { testPage } from './pageEnvironment.js';

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
      await Promise.all([first, second, third]);
      // Answered: their bytes are no longer in flight.
      const fourth = handler.handle(bodyOf(60 * 1024));
      while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(keepalive).toEqual([true, false, true, true]);
      held.splice(0).forEach((answer) => answer());
      await fourth;
    } finally {
      globalThis.fetch = realFetch;
      handler.destroy();
      await new Promise<void>((resolve) => {
        slow.close(() => resolve());
        slow.closeAllConnections();
      });
    }
  });
});
