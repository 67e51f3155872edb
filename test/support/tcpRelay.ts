// A TCP relay to a server that a test can take down (listener closed, open sockets cut) and bring
// back up on the same port.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP relay to the test Kinesis that can be taken down (listener closed, sockets cut) and up. */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The client sides, paused while the relay holds traffic (see hold()). */
  private readonly clients = new Set<Socket>();
  private holding = false;
  port = 0;

  constructor(private readonly upstream: URL) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.upstream.port), this.upstream.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      client.pipe(upstream).pipe(client);
      if (this.holding) client.pause();
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Holds what clients send (connections stay open, nothing reaches the server, nothing fails)
   * until the returned function is called.
   */
  hold(): () => void {
    this.holding = true;
    for (const client of this.clients) client.pause();
    return () => {
      this.holding = false;
      for (const client of this.clients) client.resume();
    };
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
