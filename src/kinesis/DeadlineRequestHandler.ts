import type { NodeHttp2Handler } from '@smithy/node-http-handler';

type Http2Request = Parameters<NodeHttp2Handler['handle']>[0];
type Http2HandleOptions = NonNullable<Parameters<NodeHttp2Handler['handle']>[1]>;
type Http2Answer = Awaited<ReturnType<NodeHttp2Handler['handle']>>;

/**
 * Wraps an SDK request handler so that every request either gets its answer (status and headers)
 * within `timeoutMs` or fails with a `TimeoutError` (code ETIMEDOUT): the inner request is aborted,
 * so its stream or socket is released. Used around the HTTP/2 handler, which only has idle timeouts.
 */
export class DeadlineRequestHandler {
  readonly metadata: { handlerProtocol: string };

  constructor(
    private readonly inner: NodeHttp2Handler,
    private readonly timeoutMs: number,
  ) {
    this.metadata = { handlerProtocol: inner.metadata.handlerProtocol };
  }

  handle(request: Http2Request, options: Http2HandleOptions = {}): Promise<Http2Answer> {
    const controller = new AbortController();
    const outer = options.abortSignal as AbortSignal | undefined;
    if (outer?.aborted === true) controller.abort(outer.reason);
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    outer?.addEventListener?.('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = Object.assign(
          // The deadline is connectTimeout + requestTimeout (see createRequestHandler).
          new Error(
            `Kinesis request got no answer within ${this.timeoutMs} ms (connectTimeout + requestTimeout)`,
          ),
          { name: 'TimeoutError', code: 'ETIMEDOUT' },
        );
        reject(error);
        controller.abort(error);
      }, this.timeoutMs);
    });
    const answer = this.inner.handle(request, { ...options, abortSignal: controller.signal });
    return Promise.race([answer, deadline]).finally(() => {
      clearTimeout(timer);
      outer?.removeEventListener?.('abort', onOuterAbort);
      // A late failure of the aborted request is expected; nothing waits for it any more.
      answer.catch(() => undefined);
    });
  }

  updateHttpClientConfig(...args: Parameters<NodeHttp2Handler['updateHttpClientConfig']>): void {
    this.inner.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttp2Handler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
