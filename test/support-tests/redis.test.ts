import { connect } from 'node:net';
import { pingRedis, startTestRedis, uniqueKeyPrefix } from '../support/redis.js';

function send(url: string, command: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  const payload = `*${command.length}\r\n${command.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(payload));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.endsWith('\r\n')) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
  });
}

describe('startTestRedis', () => {
  it('starts a Redis that answers PING and stores keys, and stops it on close', async () => {
    const redis = await startTestRedis();
    const { hostname, port } = new URL(redis.url);
    try {
      expect(redis.url).toMatch(/^redis:\/\//);
      expect(await pingRedis(hostname, Number(port))).toBe(true);
      const key = `${uniqueKeyPrefix()}greeting`;
      expect(await send(redis.url, ['SET', key, 'hello'])).toBe('+OK\r\n');
      expect(await send(redis.url, ['GET', key])).toBe('$5\r\nhello\r\n');
    } finally {
      await redis.close();
    }
    if (process.env.REDIS_URL === undefined) expect(await pingRedis(hostname, Number(port), 300)).toBe(false);
  }, 60_000);

  it('gives unique key prefixes', () => {
    const a = uniqueKeyPrefix('checkpoints');
    expect(a).toMatch(/^checkpoints:[0-9a-z]+:[0-9a-f]{8}:$/);
    expect(uniqueKeyPrefix('checkpoints')).not.toBe(a);
  });
});
