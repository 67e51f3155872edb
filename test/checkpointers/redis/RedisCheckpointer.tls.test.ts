import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { inspect } from 'node:util';
import { RedisTlsError } from '../../../src/checkpointers/redis/errors/RedisTlsError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import type { RedisCheckpointerOptions } from '../../../src/checkpointers/redis/RedisCheckpointerOptions.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer } from './redisServers.js';
import {
  makeTestCertificates,
  startTlsRedis,
  type TestCertificates,
  type TlsRedisServer,
} from './tlsRedis.js';

// Planted in the URL: it must never show in an error.
const PASSWORD = `tls-pw-${randomUUID()}`;
const SHARD = 'shardId-000000000000';

let certificates: TestCertificates;
let caSigned: TlsRedisServer;
let selfSigned: TlsRedisServer;
const opened: RedisCheckpointer[] = [];

beforeAll(async () => {
  certificates = await makeTestCertificates();
  caSigned = await startTlsRedis(certificates.server, ['--requirepass', PASSWORD]);
  selfSigned = await startTlsRedis(certificates.selfSigned, ['--requirepass', PASSWORD]);
}, 30_000);

afterAll(async () => {
  await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  await Promise.all([caSigned?.close(), selfSigned?.close()]);
  await certificates?.close();
});

function checkpointer(port: number, tls?: RedisCheckpointerOptions['tls']): RedisCheckpointer {
  const cp = new RedisCheckpointer({
    redis: `rediss://:${PASSWORD}@127.0.0.1:${port}`,
    name: 'tls',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 20_000,
    ...(tls !== undefined ? { tls } : {}),
  });
  opened.push(cp);
  return cp;
}

async function failure(call: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - started };
}

describe('RedisCheckpointer over rediss:// with a private CA', () => {
  it('connects with tls.ca and tls.servername, and keeps leases and checkpoints', async () => {
    const cp = checkpointer(caSigned.port, { ca: certificates.ca, servername: certificates.serverName });
    const stream = `stream-${randomUUID()}`;
    const lease = await cp.acquireLease(stream, SHARD, 'worker-a');
    expect(lease).toBeDefined();
    await expect(cp.checkpoint(lease!, { sequenceNumber: '42' })).resolves.toBe(true);
    expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '42' },
    });
  });

  it.each([
    {
      case: 'an unknown CA (no tls.ca)',
      server: () => caSigned,
      tls: () => ({ servername: certificates.serverName }),
      code: /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
    },
    {
      case: 'a host name the certificate does not name',
      server: () => caSigned,
      tls: () => ({ ca: certificates.ca }),
      code: /ERR_TLS_CERT_ALTNAME_INVALID/,
    },
    {
      case: 'a self-signed certificate',
      server: () => selfSigned,
      tls: () => ({ ca: certificates.ca }),
      code: /DEPTH_ZERO_SELF_SIGNED_CERT/,
    },
  ])('fails at once, not retriable, with the cause in the message: $case', async ({ server, tls, code }) => {
    const cp = checkpointer(server().port, tls());
    const { error, elapsedMs } = await failure(cp.acquireLease(`stream-${randomUUID()}`, SHARD, 'w'));
    expect(error).toBeInstanceOf(RedisTlsError);
    const tlsError = error as RedisTlsError;
    expect(tlsError.retriable).toBe(false);
    expect(tlsError.operation).toBe('acquireLease');
    expect(tlsError.address).toBe(`127.0.0.1:${server().port}`);
    expect(tlsError.code).toMatch(code);
    expect(tlsError.message).toMatch(code);
    expect(tlsError.message).toContain(`127.0.0.1:${server().port}`);
    expect(tlsError.message).toMatch(/tls\.ca/);
    // One handshake, no retry loop: well under the 10 s the call may take.
    expect(elapsedMs).toBeLessThan(5000);
    const shown = `${tlsError.stack ?? ''}\n${inspect(tlsError, { depth: Infinity })}\n${JSON.stringify(tlsError)}`;
    expect(shown).not.toContain(PASSWORD);
  });
});

describe('RedisCheckpointer tls option', () => {
  it('is refused with a redis:// URL and with a client instance', () => {
    expect(() => new RedisCheckpointer({ redis: 'redis://127.0.0.1:6379', name: 'a', tls: {} })).toThrow(
      /Invalid option "tls".*rediss:\/\//,
    );
    expect(
      () => new RedisCheckpointer({ redis: 'rediss://127.0.0.1:6379', name: 'a', tls: 'x' as never }),
    ).toThrow(/Invalid option "tls"/);
    const client = new Redis({ lazyConnect: true });
    expect(() => new RedisCheckpointer({ redis: client, name: 'a', tls: {} })).toThrow(
      /Invalid option "tls".*your own Redis/,
    );
    client.disconnect();
  });

  it('never prints a private key or passphrase given in it', () => {
    const error = (() => {
      try {
        new RedisCheckpointer({
          redis: 'redis://127.0.0.1:6379',
          name: 'a',
          tls: { key: 'PRIVATE-KEY-PEM', passphrase: 'PASSPHRASE', ca: 'CA-PEM' },
        });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    const shown = `${String(error)}\n${inspect(error, { depth: Infinity })}\n${JSON.stringify(error)}`;
    expect(shown).toContain('CA-PEM');
    expect(shown).not.toContain('PRIVATE-KEY-PEM');
    expect(shown).not.toContain('PASSPHRASE');
  });
});

describe('RedisCheckpointer over rediss:// to a port without TLS', () => {
  it('fails retriably, as any Redis that does not answer, with a hint that the port may not speak TLS', async () => {
    const plain = await startRedisServer({ args: ['--requirepass', PASSWORD] });
    const open = (scheme: string) =>
      new RedisCheckpointer({
        redis: `${scheme}://:${PASSWORD}@127.0.0.1:${plain.port}`,
        name: 'plain-port',
        keyPrefix: uniqueKeyPrefix(),
        sessionTimeout: 4_000,
      });
    const tls = open('rediss');
    const plainUrl = open('redis');
    try {
      const { error } = await failure(tls.getCheckpoint('orders', SHARD));
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).retriable).toBe(true);
      expect((error as RedisUnavailableError).message).toContain(
        'the server may not speak TLS on this port (the URL is rediss://',
      );
      expect((error as RedisUnavailableError).message).toContain('use redis:// for a plain port');
      expect(inspect(error, { depth: Infinity })).not.toContain(PASSWORD);
      // The same server over redis:// answers: the hint is only for a handshake left unanswered.
      await expect(plainUrl.getCheckpoint('orders', SHARD)).resolves.toBeUndefined();
    } finally {
      await Promise.all([tls.close(), plainUrl.close()]);
      await plain.close();
    }
  });

  it('gives no TLS hint for a redis:// URL whose server does not answer', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const cp = new RedisCheckpointer({
      redis: `redis://127.0.0.1:${port}`,
      name: 'silent',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: 4_000,
    });
    try {
      const { error } = await failure(cp.getCheckpoint('orders', SHARD));
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).message).not.toContain('TLS');
    } finally {
      await cp.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
