// A URL that names a replica answers READONLY to every write, as a primary demoted by a failover
// does for a while. The checkpointer asks ROLE after a READONLY: a server that stays a replica for
// longer than sessionTimeout is a configuration error (RedisReplicaError, not retriable, naming
// the host without the URL's user info) when no write ever went through it; a failover (the
// replica promoted, or the primary demoted and back, for however long) keeps working. The "Redis connection failing" warning does not repeat at each retry.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { firstValueFrom, materialize, toArray } from 'rxjs';
import { RedisReplicaError } from '../../../src/checkpointers/redis/errors/RedisReplicaError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { CheckpointerMisconfiguredError } from '../../../src/consumer/errors/CheckpointerMisconfiguredError.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { startTestKinesis, uniqueStreamName } from '../../support/kinesis.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import {
  startPrimaryAndReplica,
  startRedisServer,
  type PrimaryAndReplica,
  type RedisServerProcess,
} from './redisServers.js';

jest.setTimeout(60_000);

// Planted in the URL: it must never show in an error.
const PASSWORD = `replica-pw-${randomUUID()}`;
// Its calls' deadline (callTimeout) is half of it: the first call after a promotion reconnects and
// loads the scripts, which takes a loaded 2-core machine more than a second at times.
const SESSION_MS = 4_000;

let servers: PrimaryAndReplica | undefined;
let primary: RedisServerProcess;
let replica: RedisServerProcess;
let admin: Redis;

beforeAll(async () => {
  servers = await startPrimaryAndReplica(PASSWORD);
  ({ primary, replica, admin } = servers);
});

afterAll(async () => {
  await servers?.close();
});

function open(logger?: CaptureLogger): RedisCheckpointer {
  return new RedisCheckpointer({
    redis: `redis://:${PASSWORD}@127.0.0.1:${replica.port}`,
    name: 'replica',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: SESSION_MS,
    ...(logger === undefined ? {} : { logger }),
  });
}

async function roleOf(): Promise<string> {
  return ((await admin.call('ROLE')) as string[])[0] ?? '';
}

async function demote(): Promise<void> {
  await admin.call('REPLICAOF', '127.0.0.1', String(primary.port));
  expect(await roleOf()).toBe('slave');
}

async function promote(): Promise<void> {
  await admin.call('REPLICAOF', 'NO', 'ONE');
  expect(await roleOf()).toBe('master');
}

it('fails with RedisReplicaError once the server stayed a replica past sessionTimeout; warns once', async () => {
  await demote();
  const logger = new CaptureLogger();
  const checkpointer = open(logger);
  const startedAt = Date.now();
  const failures: unknown[] = [];
  try {
    for (;;) {
      const error = await checkpointer.heartbeat('orders', 'worker-1').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      failures.push(error);
      if (!(error instanceof RedisUnavailableError)) break;
      if (Date.now() - startedAt > 30_000) throw new Error('still retried after 30 s');
    }
    const error = failures.at(-1);
    expect(error).toBeInstanceOf(RedisReplicaError);
    const replicaError = error as RedisReplicaError;
    expect(replicaError.retriable).toBe(false);
    expect(replicaError.address).toBe(`127.0.0.1:${replica.port}`);
    expect(replicaError.replicaForMs).toBeGreaterThanOrEqual(SESSION_MS);
    expect(replicaError.message).toContain(`Redis at 127.0.0.1:${replica.port} is a read-only replica`);
    expect(replicaError.message).toContain('ROLE says so');
    expect(replicaError.message).toContain('point the checkpointer at the primary');
    expect(inspect(replicaError, { depth: Infinity })).not.toContain(PASSWORD);
    // Until then, READONLY was retried as a failover would be.
    expect(failures.slice(0, -1).every((failure) => failure instanceof RedisUnavailableError)).toBe(true);
    // Every READONLY dropped the connection, and each new one failed again: one warning, not one each.
    expect(logger.messages('warn').filter((message) => message === 'Redis connection failing')).toHaveLength(
      1,
    );
    expect(logger.text()).not.toContain(PASSWORD);
  } finally {
    await checkpointer.close();
  }
});

it('keeps working through failovers: the replica promoted, then demoted and promoted again', async () => {
  const checkpointer = open();
  /**
   * Heartbeats while the server is a replica, starting calls for `ms` (each may take callTimeout,
   * sessionTimeout / 2, more): retriable failures only.
   */
  let replicaMs = 0;
  const heartbeatsFor = async (ms: number) => {
    const from = Date.now();
    const until = from + ms;
    while (Date.now() < until) {
      const error = await checkpointer.heartbeat('orders', 'worker-1').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
    }
    replicaMs += Date.now() - from;
  };
  try {
    // The URL names a replica that is promoted within sessionTimeout (a failover).
    await demote();
    await heartbeatsFor(SESSION_MS / 4);
    await promote();
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
    // The primary demoted and back, three times, each for under sessionTimeout: longer in all.
    for (let round = 0; round < 3; round += 1) {
      await demote();
      await heartbeatsFor(SESSION_MS / 4);
      await promote();
      await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
      await expect(checkpointer.getCheckpoint('orders', 'shardId-000000000000')).resolves.toBeUndefined();
    }
    expect(replicaMs).toBeGreaterThan(SESSION_MS);
  } finally {
    await checkpointer.close();
    if ((await roleOf()) !== 'master') await promote();
  }
});

it('retries a primary demoted for longer than sessionTimeout (a slow failover), then works again', async () => {
  // The URL names the primary; a failover demotes it and the URL's name moves to the promoted
  // replica only later (DNS): READONLY for longer than a short sessionTimeout, not a misconfiguration.
  const checkpointer = open();
  try {
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
    await demote();
    const from = Date.now();
    while (Date.now() - from < SESSION_MS * 1.5) {
      const error = await checkpointer.heartbeat('orders', 'worker-1').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
    }
    await promote();
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
  } finally {
    await checkpointer.close();
    if ((await roleOf()) !== 'master') await promote();
  }
});

it.each([
  ['renamed away', ['--rename-command', 'ROLE', '']],
  ['refused by the ACL', ['--user', 'default', 'on', 'nopass', '~*', '&*', '+@all', '-role']],
])('fails with RedisReplicaError past sessionTimeout also when ROLE is %s', async (_name, args) => {
  // READONLY alone says the server is a replica: ROLE only tells a failover just over apart.
  const restricted = await startRedisServer({
    args: ['--masterauth', PASSWORD, '--replicaof', '127.0.0.1', String(primary.port), ...args],
  });
  const checkpointer = new RedisCheckpointer({
    redis: `redis://127.0.0.1:${restricted.port}`,
    name: 'replica',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: SESSION_MS,
  });
  try {
    const startedAt = Date.now();
    let error: unknown;
    for (;;) {
      error = await checkpointer.heartbeat('orders', 'worker-1').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      if (!(error instanceof RedisUnavailableError)) break;
      if (Date.now() - startedAt > 20_000) break;
    }
    expect(error).toBeInstanceOf(RedisReplicaError);
    // ROLE said nothing: the message must not claim it did (it would send one to check ROLE).
    expect((error as RedisReplicaError).message).not.toContain('ROLE says so');
    expect((error as RedisReplicaError).message).toContain('ROLE could not be asked');
  } finally {
    await checkpointer.close();
    await restricted.close();
  }
});

it('stops a consumer whose checkpointer URL names a replica, rather than retrying for ever', async () => {
  await demote();
  const kinesis = await startTestKinesis();
  const checkpointer = open();
  try {
    const streamName = uniqueStreamName('replica');
    await kinesis.createStream(streamName, 1);
    // A failure taken for an outage would end the reading only after this long (if ever: reads
    // from the replica succeed).
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: 120_000,
    });
    const startedAt = Date.now();
    const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
    await consumer.stopped();
    const error: unknown = notifications.at(-1)?.error;
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    expect((error as CheckpointerMisconfiguredError).cause).toBeInstanceOf(RedisReplicaError);
    expect((error as CheckpointerMisconfiguredError).message).toContain(
      'point the checkpointer at the primary',
    );
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  } finally {
    await checkpointer.close();
    await kinesis.close();
    await promote();
  }
});
