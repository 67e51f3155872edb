import { randomUUID } from 'node:crypto';
import type { Lease } from '../../../src/checkpointers/Checkpointer.js';
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';

const SHARD = 'shardId-000000000000';
// Long enough that 40 connections opening at once, and 200 writes, finish within one call
// deadline (the whole lease) on a loaded machine: the races are the point here, not deadlines.
// (Under a load average of 12 on two cores, 40 connections took over 4 s to open.)
const LEASE_MS = 10_000;

let redis: TestRedis;
let keyPrefix: string;
let stream: string;
const opened: RedisCheckpointer[] = [];

/** A checkpointer with its own connection, as a separate worker process would have. */
function worker(): RedisCheckpointer {
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'races',
    sessionTimeout: LEASE_MS,
    callTimeout: LEASE_MS,
    keyPrefix,
  });
  opened.push(checkpointer);
  return checkpointer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

beforeEach(() => {
  keyPrefix = uniqueKeyPrefix();
  stream = `stream-${randomUUID()}`;
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((checkpointer) => checkpointer.close()));
});

describe('RedisCheckpointer races (separate connections)', () => {
  it('gives one shard to exactly one of 40 concurrent acquirers', async () => {
    const workers = Array.from({ length: 40 }, () => worker());
    const results = await Promise.all(workers.map((cp, i) => cp.acquireLease(stream, SHARD, `worker-${i}`)));
    const winners = results.filter((lease): lease is Lease => lease !== undefined);
    expect(winners).toHaveLength(1);
    const [info] = await workers[0].listLeases(stream);
    expect(info.owner).toBe(winners[0].owner);
  });

  it('gives an expired shard to exactly one of 30 concurrent acquirers, refusing the stale owner after', async () => {
    const stale = worker();
    const old = (await stale.acquireLease(stream, SHARD, 'stale'))!;
    await stale.checkpoint(old, { sequenceNumber: '10' });
    await sleep(LEASE_MS + 100);

    const workers = Array.from({ length: 30 }, () => worker());
    const results = await Promise.all(workers.map((cp, i) => cp.acquireLease(stream, SHARD, `worker-${i}`)));
    const winners = results.filter((lease): lease is Lease => lease !== undefined);
    expect(winners).toHaveLength(1);

    for (const operation of [
      () => stale.renewLease(old),
      () => stale.checkpoint(old, { sequenceNumber: '20' }),
      () => stale.markShardEnd(old),
    ]) {
      const error = await operation().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LeaseLostError);
      expect((error as LeaseLostError).actualOwner).toBe(winners[0].owner);
    }
    expect(await stale.getCheckpoint(stream, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '10' },
    });
  });

  it('never moves a checkpoint backwards under concurrent writers', async () => {
    const owner = worker();
    const lease = (await owner.acquireLease(stream, SHARD, 'owner'))!;
    const writers = Array.from({ length: 8 }, () => worker());
    // Positions in shuffled order: sequence numbers of 56 digits with sub-sequence numbers.
    const base = 49590338271490256608559692538361571095921575989136500000n;
    const positions = Array.from({ length: 200 }, (_, i) => ({
      sequenceNumber: String(base + BigInt(Math.floor(i / 4))),
      ...(i % 4 === 3 ? {} : { subSequenceNumber: i % 4 }),
    })).sort(() => Math.random() - 0.5);

    const observed: string[] = [];
    const reader = worker();
    let reading = true;
    const readLoop = (async () => {
      while (reading) {
        const stored = await reader.getCheckpoint(stream, SHARD);
        if (stored?.kind === 'position')
          observed.push(`${stored.position.sequenceNumber}:${stored.position.subSequenceNumber ?? 'x'}`);
      }
    })();
    await Promise.all(
      positions.map((position, i) => writers[i % writers.length].checkpoint(lease, position)),
    );
    reading = false;
    await readLoop;

    expect(await owner.getCheckpoint(stream, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: String(base + 49n) },
    });
    // Every value a reader saw is at or after the one it saw before.
    const rank = (text: string) => {
      const [sequence, sub] = text.split(':');
      return (BigInt(sequence) - base) * 10n + (sub === 'x' ? 9n : BigInt(sub));
    };
    for (let i = 1; i < observed.length; i += 1)
      expect(rank(observed[i])).toBeGreaterThanOrEqual(rank(observed[i - 1]));
    expect(observed.length).toBeGreaterThan(0);
  });
});
