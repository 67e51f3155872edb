import type { NodeHttp2Handler } from '@smithy/node-http-handler';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { DeadlineRequestHandler } from '../../src/kinesis/DeadlineRequestHandler.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

type Handle = NodeHttp2Handler['handle'];

/** An inner handler whose answer is decided by the test; it records the signal it was given. */
function innerHandler(answer: (signal: AbortSignal) => ReturnType<Handle>) {
  const seen: AbortSignal[] = [];
  const inner = {
    metadata: { handlerProtocol: 'h2' },
    handle: (_request: unknown, options: { abortSignal?: AbortSignal } = {}) => {
      seen.push(options.abortSignal!);
      return answer(options.abortSignal!);
    },
    updateHttpClientConfig: jest.fn(),
    httpHandlerConfigs: () => ({ requestTimeout: 7 }),
    destroy: jest.fn(),
  };
  return { inner: inner as unknown as NodeHttp2Handler, seen };
}

const request = {} as Parameters<Handle>[0];

describe('DeadlineRequestHandler', () => {
  it('fails a request that gets no answer in time with a TimeoutError and aborts it', async () => {
    const { inner, seen } = innerHandler(() => new Promise(() => undefined));
    const handler = new DeadlineRequestHandler(inner, 60);
    const error = await handler.handle(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(classifyError(error)).toBeInstanceOf(RequestTimeoutError);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('names its deadline as the sum it is, not as the requestTimeout', async () => {
    // Built with connectTimeout + requestTimeout (5000 + 2000 by default): the message said
    // "within the 7000 ms requestTimeout" of a client whose requestTimeout is 2000 ms.
    const { inner } = innerHandler(() => new Promise(() => undefined));
    const handler = new DeadlineRequestHandler(inner, 60);
    const error = await handler.handle(request).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'Kinesis request got no answer within 60 ms (connectTimeout + requestTimeout)',
    );
  });

  it('passes an answer through and leaves the request alone', async () => {
    const answer = { response: { statusCode: 200 } } as Awaited<ReturnType<Handle>>;
    const { inner, seen } = innerHandler(() => Promise.resolve(answer));
    const handler = new DeadlineRequestHandler(inner, 60);
    await expect(handler.handle(request)).resolves.toBe(answer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen[0]!.aborted).toBe(false);
  });

  it("forwards the caller's abort to the inner request", async () => {
    const { inner, seen } = innerHandler(
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted by caller'))),
        ),
    );
    const handler = new DeadlineRequestHandler(inner, 10_000);
    const caller = new AbortController();
    const pending = handler.handle(request, { abortSignal: caller.signal as never });
    caller.abort();
    await expect(pending).rejects.toThrow('aborted by caller');
    expect(seen[0]!.aborted).toBe(true);
  });

  it('delegates configuration and destroy', () => {
    const { inner } = innerHandler(() => new Promise(() => undefined));
    const handler = new DeadlineRequestHandler(inner, 10);
    expect(handler.metadata.handlerProtocol).toBe('h2');
    expect(handler.httpHandlerConfigs()).toEqual({ requestTimeout: 7 });
    handler.destroy();
    expect((inner as unknown as { destroy: jest.Mock }).destroy).toHaveBeenCalled();
  });
});
