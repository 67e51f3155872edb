import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import { withBodyDeadline } from './fetchBodyDeadline.js';
import { currentPage, isHidden, isOnline, onOnline, type PageEnvironment } from './page.js';
import type { RequestHandlerSettings } from './requestHandler.js';

export type { RequestHandlerSettings } from './requestHandler.js';

type FetchRequest = Parameters<FetchHttpHandler['handle']>[0];
type FetchHandleOptions = NonNullable<Parameters<FetchHttpHandler['handle']>[1]>;
type FetchAnswer = Awaited<ReturnType<FetchHttpHandler['handle']>>;
type FetchConfigKey = Parameters<FetchHttpHandler['updateHttpClientConfig']>[0];
type FetchConfigValue = Parameters<FetchHttpHandler['updateHttpClientConfig']>[1];

/**
 * Largest request body sent with fetch `keepalive` while the page is hidden. Browsers allow
 * 64 KiB of keepalive bodies in flight per page; a larger request would be refused, so it is
 * sent as usual (and may be cut off if the page goes away).
 */
export const KEEPALIVE_BODY_LIMIT = 60 * 1024;

/**
 * Most bytes of keepalive request bodies a page may have in flight: a browser refuses a keepalive
 * fetch past it with a network error (the Fetch standard's limit), instead of sending it.
 */
export const KEEPALIVE_IN_FLIGHT_LIMIT = 64 * 1024;

/** Bytes of keepalive bodies the library's requests have in flight: the budget is the page's. */
let keepAliveInFlight = 0;

const encoder = new TextEncoder();

function bodyBytes(body: unknown): number | undefined {
  if (typeof body === 'string') return encoder.encode(body).byteLength;
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}

/**
 * The browser build's HTTP handler: the SDK's FetchHttpHandler with the request deadline, and
 * two page-aware behaviours:
 * - while the page is hidden (being closed or sent to the background), small requests go with
 *   fetch `keepalive`, so a flush started on `pagehide` can outlive the page (as long as the
 *   keepalive bodies in flight stay within the page's 64 KiB; past that, as usual);
 * - while the browser says it is offline, a request waits for the `online` event (at most its
 *   request timeout) before it is sent, so records are not burnt through retries while the
 *   network is gone and go out as soon as it is back.
 * Network failures (fetch's TypeError) reach the producer as retriable ConnectionErrors. A
 * request past its deadline is aborted (fetch would go on), and so is one whose answer's body
 * pauses longer than the request timeout (fetch would wait for ever).
 */
export class PageAwareFetchHandler {
  private readonly inner: FetchHttpHandler;
  private readonly waits = new Set<() => void>();
  /** The keepalive bytes each request in flight holds, given back once its answer is read. */
  private readonly keepAliveHeld = new WeakMap<object, number>();

  constructor(
    private readonly settings: Pick<RequestHandlerSettings, 'requestTimeout'>,
    private readonly page: PageEnvironment = currentPage(),
  ) {
    this.inner = new FetchHttpHandler({
      requestTimeout: settings.requestTimeout,
      requestInit: (request) => (this.keepAlive(request) ? { keepalive: true } : {}),
    });
  }

  async handle(request: FetchRequest, options: FetchHandleOptions = {}): Promise<FetchAnswer> {
    const outer = options.abortSignal as AbortSignal | undefined;
    if (!isOnline(this.page)) await this.waitForOnline(outer);
    // The fetch gets a signal of its own: the SDK's handler only stops waiting at its deadline,
    // while the request would go on holding a connection (and its keepalive bytes).
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted === true) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    // Once the answer's body is read (or the request failed): the browser counts a keepalive
    // request in flight until then, not only until its answer's headers.
    const done = (): void => {
      outer?.removeEventListener('abort', onOuterAbort);
      this.releaseKeepAlive(request);
    };
    try {
      const answer = await this.inner.handle(request, { ...options, abortSignal: controller.signal });
      const { response } = answer;
      // Where fetch answers have no stream (no ReadableStream at all), the SDK reads a Blob.
      if (typeof ReadableStream === 'function' && response.body instanceof ReadableStream) {
        const abort = (error: Error): void => controller.abort(error);
        response.body = withBodyDeadline(response.body, this.settings.requestTimeout, abort, done);
      } else {
        done();
      }
      return answer;
    } catch (error) {
      // Past the deadline, or failed: the request is cancelled, not left running.
      controller.abort(error);
      done();
      throw outer?.aborted === true ? error : withDeadlineCode(error, this.settings.requestTimeout);
    }
  }

  updateHttpClientConfig(key: FetchConfigKey, value: FetchConfigValue): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): ReturnType<FetchHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  /** Releases requests waiting to be online (they are sent, and fail if still offline). */
  destroy(): void {
    for (const release of [...this.waits]) release();
    this.inner.destroy();
  }

  /** Gives back the keepalive bytes a request held (none if it went without keepalive). */
  private releaseKeepAlive(request: object): void {
    const held = this.keepAliveHeld.get(request);
    if (held === undefined) return;
    this.keepAliveHeld.delete(request);
    keepAliveInFlight -= held;
  }

  /**
   * Whether the request goes with keepalive; if so, its bytes are held until its answer's body
   * is read (or it fails).
   */
  private keepAlive(request: { readonly body?: unknown }): boolean {
    if (!isHidden(this.page)) return false;
    const bytes = bodyBytes(request.body);
    if (bytes === undefined || bytes > KEEPALIVE_BODY_LIMIT) return false;
    // Past the page's budget a browser would refuse it: it goes as usual instead.
    if (keepAliveInFlight + bytes > KEEPALIVE_IN_FLIGHT_LIMIT) return false;
    keepAliveInFlight += bytes;
    this.keepAliveHeld.set(request, bytes);
    return true;
  }

  /** Resolves on the `online` event, after the request timeout, or when the request is aborted. */
  private waitForOnline(abortSignal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let removeOnline = (): void => undefined;
      const release = (): void => {
        clearTimeout(timer);
        removeOnline();
        abortSignal?.removeEventListener('abort', release);
        this.waits.delete(release);
        resolve();
      };
      const timer = setTimeout(release, this.settings.requestTimeout);
      removeOnline = onOnline(this.page, release);
      abortSignal?.addEventListener('abort', release);
      this.waits.add(release);
    });
  }
}

/**
 * The SDK fetch handler's own deadline error ("TimeoutError: Request did not complete within N
 * ms", no code, no "timeout" in its text) as the Node build's handlers fail a request past its
 * deadline: code ETIMEDOUT, so that it is classified as a RequestTimeoutError, not as a plain
 * connection failure. Any other error is returned as it is.
 */
function withDeadlineCode(error: unknown, ms: number): unknown {
  if (!(error instanceof Error) || error.name !== 'TimeoutError' || 'code' in error) return error;
  return Object.assign(
    new Error(`Kinesis request got no answer within the ${ms} ms requestTimeout`, { cause: error }),
    {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    },
  );
}

/** The HTTP handler of the clients the library creates, in the browser build. */
export function createRequestHandler(settings: RequestHandlerSettings): PageAwareFetchHandler {
  return new PageAwareFetchHandler(settings);
}
