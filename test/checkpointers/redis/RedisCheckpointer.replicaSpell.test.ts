// READONLY beyond a URL's own connection: a client of the user's is asked ROLE too (and left as it
// is); a server seen a primary that stays a replica is retried, and the errors and warnings say
// since when it has answered as a replica; "connected to Redis" is not logged at each reconnect
// of a replica loop; the replica spell and the warning interval run on the injected clock.
import { inspect } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { firstValueFrom, materialize, toArray } from 'rxjs';
import { RedisReplicaError } from '../../../src/checkpointers/redis/errors/RedisReplicaError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { CheckpointerUnavailableError } from '../../../src/consumer/errors/CheckpointerUnavailableError.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { startTestKinesis, uniqueStreamName } from '../../support/kinesis.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startPrimaryAndReplica, type PrimaryAndReplica, type RedisServerProcess } from './redisServers.js';

jest.setTimeout(60_000);

const PASSWORD = `spell-pw-${randomUUID()}`;
const SESSION_MS = 2_000;
const SPELL_SESSION_MS = 6_000;

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

afterEach(async () => {
  await admin.call('REPLICAOF', '127.0.0.1', String(primary.port));
});

const url = (): string => `redis://:${PASSWORD}@127.0.0.1:${replica.port}`;

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
}

/** A checkpointer on the replica's URL, logging into a CaptureLogger (options: the rest). */
function openOnReplica(
  name: string,
  options: Omit<
    ConstructorParameters<typeof RedisCheckpointer>[0],
    'redis' | 'name' | 'keyPrefix' | 'logger'
  >,
): { checkpointer: RedisCheckpointer; logger: CaptureLogger } {
  const logger = new CaptureLogger();
  const checkpointer = new RedisCheckpointer({
    redis: url(),
    name,
    keyPrefix: uniqueKeyPrefix(),
    ...options,
    logger,
  });
  return { checkpointer, logger };
}

/** The outage warnings logged so far. */
function outageWarnings(logger: CaptureLogger): string[] {
  return logger.messages('warn').filter((message) => message === 'Redis connection failing');
}

it('fails with RedisReplicaError on a client of your own that stays a replica; leaves it open', async () => {
  const client = new Redis({ port: replica.port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true });
  await client.connect();
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'replica-client',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: SESSION_MS,
  });
  try {
    const startedAt = Date.now();
    let error: unknown;
    for (;;) {
      error = await failure(checkpointer.heartbeat('orders', 'worker-1'));
      if (!(error instanceof RedisUnavailableError) || Date.now() - startedAt > 20_000) break;
    }
    expect(error).toBeInstanceOf(RedisReplicaError);
    expect((error as RedisReplicaError).address).toBe(`127.0.0.1:${replica.port}`);
    expect((error as RedisReplicaError).message).toContain('ROLE says so');
    expect(inspect(error, { depth: Infinity })).not.toContain(PASSWORD);
    // The client is the user's: neither closed nor dropped.
    expect(client.status).toBe('ready');
  } finally {
    await checkpointer.close();
    expect(client.status).toBe('ready');
    client.disconnect();
  }
});

it('tells a client of your own whose server was never a primary to point at the primary', async () => {
  const client = new Redis({ port: replica.port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true });
  await client.connect();
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'replica-client-first',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 600_000,
    callTimeout: 5_000,
    retry: { retryLimit: 1 },
    now: () => clock.ms,
  });
  try {
    // Within its first sessionTimeout: retried, and the error says what to correct.
    const error = await failure(checkpointer.heartbeat('orders', 'worker-1'));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(
      `Redis at 127.0.0.1:${replica.port} has answered as a replica (READONLY) since ` +
        '2026-01-01T00:00:00.000Z and has not taken a write from this checkpointer: point the ' +
        'checkpointer at the primary',
    );
    expect(message).not.toContain('failover');
    // The rule is unchanged: a replica for sessionTimeout, never a primary, is RedisReplicaError.
    clock.ms += 600_000;
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisReplicaError);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});

it('says since when a server that took writes has answered as a replica, up to the consumer', async () => {
  await admin.call('REPLICAOF', 'NO', 'ONE');
  // A session (and so a callTimeout, half of it) long enough that the replica's answers come
  // within each call on a loaded machine: a last attempt that timed out would be what the
  // consumer's final error names, not the replica.
  const { checkpointer, logger } = openOnReplica('replica-spell', {
    sessionTimeout: SPELL_SESSION_MS,
  });
  const kinesis = await startTestKinesis();
  try {
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
    const demotedAt = Date.now();
    await admin.call('REPLICAOF', '127.0.0.1', String(primary.port));
    const error = await failure(checkpointer.heartbeat('orders', 'worker-1'));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const saying =
      /Redis at 127\.0\.0\.1:\d+ has answered as a replica \(READONLY\) since (\S+): .*point the checkpointer at the current primary/;
    const since = saying.exec((error as Error).message)?.[1];
    expect(Date.parse(since ?? '')).toBeGreaterThanOrEqual(demotedAt - 5);
    // The outage warning says so too.
    const warning = logger.lines.find((line) => line.message.includes('Redis connection failing'));
    expect(String(warning?.details?.error)).toMatch(saying);

    // Past sessionTimeout it is still retried (a slow failover), and the consumer's final error says it.
    const streamName = uniqueStreamName('spell');
    await kinesis.createStream(streamName, 1);
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: SPELL_SESSION_MS * 2,
    });
    const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
    await consumer.stopped();
    const final: unknown = notifications.at(-1)?.error;
    expect(final).toBeInstanceOf(CheckpointerUnavailableError);
    expect((final as Error).message).toMatch(saying);
    expect(saying.exec((final as Error).message)?.[1]).toBe(since);
    expect(logger.text()).not.toContain(PASSWORD);
  } finally {
    await checkpointer.close();
    await kinesis.close();
  }
});

it('logs "connected to Redis" once, not at each reconnect to a replica', async () => {
  const { checkpointer, logger } = openOnReplica('replica-loop', {
    sessionTimeout: 60_000,
  });
  try {
    const until = Date.now() + 1_500;
    while (Date.now() < until)
      expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(
        RedisUnavailableError,
      );
    // Each READONLY dropped the connection: many reconnects.
    expect(
      logger.messages('warn').filter((message) => message === 'retrying Redis call').length,
    ).toBeGreaterThan(3);
    // The first connection, and the one after the (only) outage warning.
    expect(outageWarnings(logger)).toHaveLength(1);
    expect(logger.messages('info').filter((message) => message === 'connected to Redis')).toHaveLength(2);
  } finally {
    await checkpointer.close();
  }
});

it('warns once a minute of a replica loop also when the replica answers the reads between', async () => {
  const { checkpointer, logger } = openOnReplica('replica-loop-reads', {
    sessionTimeout: 60_000,
    retry: { baseMs: 10, capMs: 20, retryLimit: 3 },
  });
  try {
    // A consumer's round: a read (a replica answers it), then a heartbeat (READONLY: dropped).
    for (let round = 0; round < 5; round += 1) {
      await expect(checkpointer.getCheckpoint('orders', 'shardId-000000000000')).resolves.toBeUndefined();
      expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(
        RedisUnavailableError,
      );
    }
    // Still the one outage of a server that is a replica: one warning, one connection logged after it.
    expect(outageWarnings(logger)).toHaveLength(1);
    expect(logger.messages('info').filter((message) => message === 'connected to Redis')).toHaveLength(2);
  } finally {
    await checkpointer.close();
  }
});

it('warns at once of a failover after the server took a heartbeat, within a minute of a warning', async () => {
  const { checkpointer, logger } = openOnReplica('replica-then-primary', {
    sessionTimeout: 600_000,
    retry: { baseMs: 10, capMs: 20, retryLimit: 3 },
    // The clock stands still: everything below is within a minute of the first warning.
    now: () => Date.UTC(2026, 0, 1),
  });
  const warnings = () => outageWarnings(logger);
  try {
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisUnavailableError);
    expect(warnings()).toHaveLength(1);
    await admin.call('REPLICAOF', 'NO', 'ONE');
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
    // A primary that took a heartbeat is demoted: a new outage.
    await admin.call('REPLICAOF', '127.0.0.1', String(primary.port));
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisUnavailableError);
    expect(warnings()).toHaveLength(2);
  } finally {
    await checkpointer.close();
  }
});

it('counts the replica spell and the warning interval on the injected clock', async () => {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const { checkpointer, logger } = openOnReplica('replica-clock', {
    sessionTimeout: 600_000,
    callTimeout: 5_000,
    retry: { retryLimit: 1 },
    now: () => clock.ms,
  });
  const warnings = () => outageWarnings(logger);
  try {
    const first = await failure(checkpointer.heartbeat('orders', 'worker-1'));
    expect(first).toBeInstanceOf(RedisUnavailableError);
    expect((first as Error).message).toContain(
      'has answered as a replica (READONLY) since 2026-01-01T00:00:00.000Z',
    );
    expect(warnings()).toHaveLength(1);
    clock.ms += 600_000; // ten minutes, in no time
    const second = await failure(checkpointer.heartbeat('orders', 'worker-1'));
    expect(second).toBeInstanceOf(RedisReplicaError);
    expect((second as RedisReplicaError).replicaForMs).toBe(600_000);
    // A minute went by on the clock: the outage is warned of again.
    expect(warnings()).toHaveLength(2);
  } finally {
    await checkpointer.close();
  }
});

it('warns of an outage again a minute after the last warning, also when the clock was set back', async () => {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const { checkpointer, logger } = openOnReplica('replica-clock-back', {
    sessionTimeout: 600_000,
    callTimeout: 5_000,
    retry: { retryLimit: 1 },
    now: () => clock.ms,
  });
  const warnings = () => outageWarnings(logger);
  try {
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisUnavailableError);
    expect(warnings()).toHaveLength(1);
    clock.ms -= 3_600_000; // an hour back (an NTP correction)
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisUnavailableError);
    expect(warnings()).toHaveLength(1);
    clock.ms += 60_000; // then a minute on
    expect(await failure(checkpointer.heartbeat('orders', 'worker-1'))).toBeInstanceOf(RedisUnavailableError);
    expect(warnings()).toHaveLength(2);
  } finally {
    await checkpointer.close();
  }
});
