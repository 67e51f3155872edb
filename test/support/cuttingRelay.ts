// A TCP relay to the test Kinesis that can cut its HTTP/2 connections (those of SubscribeToShard)
// in the middle of an event-stream message: the client gets the message's start, then a closed
// socket.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** The cleartext HTTP/2 connection preface's first bytes. */
const HTTP2_PREFACE = 'PRI * HTTP/2.0';

export class CuttingRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The bytes after which the next HTTP/2 connection carrying them is cut; undefined: no cut armed. */
  private marker: Buffer | undefined;
  /** Whether the marker stays armed after a cut: every connection carrying it is cut. */
  private every = false;
  /** How many connections were cut. */
  cuts = 0;
  port = 0;

  constructor(private readonly upstream: URL) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Cuts the next HTTP/2 connection on which the server sends `marker` (e.g. an event type, a
   * header of an event-stream message) just after it, also when two chunks share it: the rest of
   * that message never arrives. `every`: each such connection is cut, not only the next.
   */
  cutAfter(marker: string, options: { readonly every?: boolean } = {}): void {
    this.marker = Buffer.from(marker);
    this.every = options.every === true;
  }

  async up(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(Number(this.upstream.port), this.upstream.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let http2: boolean | undefined;
    client.on('data', (chunk: Buffer) => {
      http2 ??= chunk.subarray(0, HTTP2_PREFACE.length).toString('latin1') === HTTP2_PREFACE;
      upstream.write(chunk);
    });
    /** The end of what the server sent before this chunk, for a marker that chunks share. */
    let tail = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      const marker = this.marker;
      if (http2 !== true || marker === undefined) {
        client.write(chunk);
        return;
      }
      const seen = Buffer.concat([tail, chunk]);
      const at = seen.indexOf(marker);
      if (at < 0) {
        tail = seen.subarray(Math.max(0, seen.length - marker.length + 1));
        client.write(chunk);
        return;
      }
      if (!this.every) this.marker = undefined;
      this.cuts += 1;
      client.write(chunk.subarray(0, at + marker.length - tail.length), () => {
        client.destroy();
        upstream.destroy();
      });
    });
  }
}
