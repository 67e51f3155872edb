import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  constants,
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';

/** How long a new connection may stay silent before its first bytes. */
const SNIFF_TIMEOUT_MS = 120_000;

/** How long a request may take to arrive, as a Node HTTP server allows by default. */
export interface FrontDeadlines {
  /** Its headers (HTTP/1.1): Node's `headersTimeout`, 60 s. */
  readonly headersMs: number;
  /** The whole request, body included (both protocols): Node's `requestTimeout`, 300 s. */
  readonly requestMs: number;
}

export const DEFAULT_FRONT_DEADLINES: FrontDeadlines = { headersMs: 60_000, requestMs: 300_000 };

/** The first bytes of every HTTP/2 connection opened with prior knowledge (RFC 9113, 3.4). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * A request of either protocol. The HTTP/2 compatibility API offers what the front uses of an
 * HTTP/1.1 request and response (headers, method, url, body events, writeHead/write/end,
 * 'drain' and 'close', and a socket whose destroy() ends the exchange), so one handler serves both.
 */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One listening port for both HTTP/1.1 and cleartext HTTP/2 (prior knowledge, as the AWS SDK's
 * default HTTP/2 handler speaks to an http:// endpoint): each new connection is told apart by
 * its first bytes and handed to an HTTP/1.1 or an HTTP/2 server that share one handler.
 */
export class FrontListener {
  readonly server: Server;
  private readonly http1;
  private readonly http2;
  private readonly sockets = new Set<Socket>();
  /** Open HTTP/2 sessions, each with the connection it runs on. */
  private readonly sessions = new Map<Http2Session, Socket>();
  /** The connection being handed to the HTTP/2 server (it makes the session synchronously). */
  private handingOver: Socket | undefined;

  constructor(handler: FrontHandler, deadlines: FrontDeadlines = DEFAULT_FRONT_DEADLINES) {
    this.http1 = createHttpServer(
      {
        headersTimeout: deadlines.headersMs,
        requestTimeout: deadlines.requestMs,
        connectionsCheckingInterval: Math.min(30_000, Math.ceil(deadlines.headersMs / 2)),
      },
      handler,
    );
    this.http1.keepAliveTimeout = 60_000;
    // The HTTP/1.1 server never listens (it is handed its connections), and a Node HTTP server
    // starts tracking connections (for its header and request deadlines, and closeAllConnections())
    // only as it starts listening: without this, headers or a body that never end kept their
    // connection open for good.
    this.http1.emit('listening');
    // Room for an event in flight on each of many subscriptions sharing one connection.
    this.http2 = createHttp2Server(
      { maxSessionMemory: 64 },
      (req: Http2ServerRequest, res: Http2ServerResponse) => {
        requestDeadline(req, res, deadlines.requestMs);
        handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      },
    );
    this.http2.on('session', (session: Http2Session) => {
      if (this.handingOver === undefined) return;
      this.sessions.set(session, this.handingOver);
      session.once('close', () => this.sessions.delete(session));
    });
    this.server = createNetServer((socket) => this.accept(socket));
  }

  /**
   * Drops the connection that carries `res` as a network failure would: a TCP reset, with no
   * HTTP/2 GOAWAY or last chunk first. Under HTTP/2 every exchange on the connection goes with it.
   */
  dropConnection(res: ServerResponse): void {
    const session = (res as unknown as Partial<Http2ServerResponse>).stream?.session;
    const socket = session === undefined ? res.socket : this.sessions.get(session);
    if (socket === undefined || socket === null) return;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  /** Stops listening and destroys every connection, open exchanges included. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const session of this.sessions.keys()) session.destroy();
      for (const socket of this.sockets) socket.destroy();
      this.http1.closeAllConnections();
      // Stops its connection checks.
      this.http1.close();
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const compared = Math.min(head.length, HTTP2_PREFACE.length);
      const isHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      // Wait for the whole preface before deciding on HTTP/2.
      if (isHttp2 && head.length < HTTP2_PREFACE.length) return;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('timeout', onSilence);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        this.handingOver = socket;
        this.http2.emit('connection', socket);
        this.handingOver = undefined;
      } else {
        this.http1.emit('connection', socket);
      }
      process.nextTick(() => socket.resume());
    };
    const onError = (): void => {
      socket.destroy();
    };
    // A connection that never says which protocol it speaks is not kept forever.
    const onSilence = (): void => {
      socket.destroy();
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.setTimeout(SNIFF_TIMEOUT_MS, onSilence);
  }
}

/**
 * What a Node HTTP/1.1 server does with a request still arriving past `requestMs` (HTTP/2 has no
 * such deadline of its own): it is answered 408 and its stream closed.
 */
function requestDeadline(req: Http2ServerRequest, res: Http2ServerResponse, requestMs: number): void {
  if (req.complete) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    if (!res.headersSent && !res.writableEnded) res.writeHead(408, { 'content-length': 0 }).end();
    req.stream.close(constants.NGHTTP2_CANCEL);
  }, requestMs);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
}
