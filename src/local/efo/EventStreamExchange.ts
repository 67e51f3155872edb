import type { ServerResponse } from 'node:http';
import { EVENT_STREAM_CONTENT_TYPE } from './eventStreamMessages.js';
import { randomUUID } from 'node:crypto';
import { extendedRequestId } from '../UpstreamAnswer.js';

/**
 * The response side of one SubscribeToShard exchange, over HTTP/1.1 (a chunked response) or
 * HTTP/2 (one stream): writes event-stream messages only as fast as the client reads them.
 */
export class EventStreamExchange {
  /** Resolves when the exchange is over (ended, reset, or the connection gone). */
  readonly closed: Promise<void>;
  private isClosed = false;
  private waitingDrain: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    /** Drops the connection that carries a response, as a network failure would. */
    private readonly drop: (res: ServerResponse) => void,
  ) {
    this.closed = new Promise((resolve) => {
      const close = (): void => {
        this.isClosed = true;
        this.waitingDrain?.();
        resolve();
      };
      // The client may have left while the request was checked (before this exchange was made):
      // its 'close' has fired already and will not again.
      if (clientLeft(res)) close();
      else res.once('close', close);
    });
    res.on('drain', () => this.waitingDrain?.());
    // An error on a reset stream is the client's leaving, seen as 'close'.
    res.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.isClosed && !this.res.writableEnded;
  }

  /** Sends the 200 response head. */
  start(): void {
    if (!this.isOpen) return;
    this.res.writeHead(200, {
      'content-type': EVENT_STREAM_CONTENT_TYPE,
      'x-amzn-requestid': randomUUID(),
      'x-amz-id-2': extendedRequestId(),
    });
  }

  /** Writes one message; resolves once the client has room for more (or the exchange is over). */
  async send(message: Buffer): Promise<void> {
    if (!this.isOpen) return;
    if (this.res.write(message)) return;
    await new Promise<void>((resolve) => {
      this.waitingDrain = resolve;
    });
    this.waitingDrain = undefined;
  }

  /** Ends the response cleanly. */
  end(): void {
    if (this.isOpen) this.res.end();
  }

  /** Resets this exchange alone (its HTTP/2 stream, or its HTTP/1.1 connection). */
  abort(): void {
    this.res.destroy();
  }

  /** Drops the connection that carries the exchange (with every exchange on it, under HTTP/2). */
  dropConnection(): void {
    this.drop(this.res);
  }
}

/** Whether the response's stream (HTTP/2) or connection (HTTP/1.1) is gone already. */
function clientLeft(res: ServerResponse): boolean {
  const stream = (res as unknown as { stream?: { destroyed?: boolean; closed?: boolean } }).stream;
  if (stream !== undefined) return stream.destroyed === true || stream.closed === true;
  // (A pipelined HTTP/1.1 response may have no socket yet: that is not a client gone.)
  return res.destroyed || res.socket?.destroyed === true;
}
