// A TCP proxy in front of a Redis, standing for the network between a client and its server. It
// can fall silent the way a vanished peer does (a network partition, a host gone, a proxy whose
// server went away): the connections it silences stay open but nothing passes either way any
// more, no data, no FIN, no RST, for good. Connections accepted while it is silent are silenced
// too; those accepted after `speak()` forward again. And it can send new connections to another
// Redis, as a DNS name moves to the new primary after a failover. And it can hold every reply for a
// while, as a slow server or network does.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface RedisProxy {
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Silences every open connection, and every one accepted until speak(). */
  silence(): void;
  /** New connections forward again (silenced ones stay silent). */
  speak(): void;
  /** Holds everything Redis sends from now on `ms` before passing it on (0: passed on at once). */
  delayReplies(ms: number): void;
  /** Sends connections accepted from now on to the Redis on `port` (open ones stay where they are). */
  retarget(port: number): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  silent: boolean;
}

export async function startRedisProxy(redisPort: number): Promise<RedisProxy> {
  let target = redisPort;
  const pairs = new Set<Pair>();
  let silent = false;
  let accepted = 0;
  let replyDelayMs = 0;
  const server = createServer({ allowHalfOpen: true }, (client) => {
    accepted += 1;
    const upstream = connect({ host: '127.0.0.1', port: target, allowHalfOpen: true });
    const pair: Pair = { client, upstream, silent };
    pairs.add(pair);
    client.on('data', (data) => void (pair.silent || upstream.write(data)));
    upstream.on('data', (data) => {
      const pass = (): void => void (pair.silent || client.destroyed || client.write(data));
      if (replyDelayMs === 0) pass();
      else setTimeout(pass, replyDelayMs);
    });
    client.on('end', () => void (pair.silent || upstream.end()));
    upstream.on('end', () => void (pair.silent || client.end()));
    const gone = (): void => {
      if (pair.silent) return;
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on('close', gone);
      socket.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    silence() {
      silent = true;
      for (const pair of pairs) pair.silent = true;
    },
    speak() {
      silent = false;
    },
    delayReplies(ms) {
      replyDelayMs = ms;
    },
    retarget(port) {
      target = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
