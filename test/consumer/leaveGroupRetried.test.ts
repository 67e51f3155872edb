// A worker whose leave fails at shutdown (the store did not answer once) would count as live until
// its heartbeat ran out, and the shards it released would wait that long for the others: the
// leave is retried with back-off, within the stop's finalWritesTimeoutMs, and a stop cut short
// at that deadline leaves no retry's timer behind.
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisUnavailableError } from '../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { uniqueKeyPrefix } from '../support/redis.js';
import { timersStarted } from '../support/timersStarted.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let redis: RedisServerProcess;

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis(), startRedisServer()]);
});

afterAll(async () => {
  await Promise.all([kinesis.close(), redis.close()]);
});

/** A RedisCheckpointer whose leaveGroup fails (as Redis unreachable) the first `failures` times. */
class FlakyLeave extends RedisCheckpointer {
  leaves = 0;
  constructor(
    keyPrefix: string,
    private readonly failures: number,
  ) {
    super({ redis: redis.url, name: 'flaky-leave', keyPrefix });
  }

  override async leaveGroup(streamName: string, workerId: string): Promise<void> {
    this.leaves += 1;
    if (this.leaves <= this.failures)
      throw new RedisUnavailableError(
        'leaveGroup',
        1,
        Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      );
    await super.leaveGroup(streamName, workerId);
  }
}

async function runAndStop(checkpointer: RedisCheckpointer, finalWritesTimeoutMs: number) {
  const streamName = uniqueStreamName('leave-retried');
  await kinesis.createStream(streamName, 1);
  const consumer = fromKinesis({
    streamName,
    client: kinesis.createClient(),
    checkpointer,
    workerId: 'leaver',
    finalWritesTimeoutMs,
  });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  const subscription = consumer.subscribe({ error: () => undefined });
  for (let i = 0; i < 300 && !(await checkpointer.liveWorkers(streamName)).includes('leaver'); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await checkpointer.liveWorkers(streamName)).toEqual(['leaver']);
  const since = performance.now();
  subscription.unsubscribe();
  await consumer.stopped();
  return { streamName, events, tookMs: performance.now() - since };
}

const leaveRetries = (events: readonly ConsumerEvent[]) =>
  events.filter((event) => event.type === 'error-retried' && event.operation === 'leaveGroup');

it('retries a failed leave: the worker is gone from the group once stopped', async () => {
  const checkpointer = new FlakyLeave(uniqueKeyPrefix('leave-retried'), 2);
  try {
    const { streamName, events } = await runAndStop(checkpointer, 10_000);
    expect(checkpointer.leaves).toBe(3);
    expect(leaveRetries(events)).toHaveLength(2);
    expect(await checkpointer.liveWorkers(streamName)).toEqual([]);
    expect(events.map((event) => event.type)).not.toContain('final-writes-timeout');
  } finally {
    await checkpointer.close();
  }
});

it('stops retrying at finalWritesTimeoutMs, leaving no timer of its retries', async () => {
  const FINAL_WRITES_MS = 1_500;
  const checkpointer = new FlakyLeave(uniqueKeyPrefix('leave-cut'), Number.POSITIVE_INFINITY);
  try {
    const timers = timersStarted();
    const { events, tookMs } = await runAndStop(checkpointer, FINAL_WRITES_MS);
    expect(tookMs).toBeGreaterThanOrEqual(FINAL_WRITES_MS - 50);
    expect(tookMs).toBeLessThan(FINAL_WRITES_MS + 10_000);
    expect(events.map((event) => event.type).slice(-2)).toEqual(['final-writes-timeout', 'consumer-stopped']);
    expect(leaveRetries(events).length).toBeGreaterThan(1);
    const leavesAtStop = checkpointer.leaves;
    // (The checkpointer's own Redis client is still open: its timers are not the run's.)
    const left = (await timers.pending()).filter(
      (where) => !where.includes('/node_modules/ioredis/') && !where.includes('/node_modules/@jest/'),
    );
    timers.stop();
    expect(left).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(checkpointer.leaves).toBe(leavesAtStop);
  } finally {
    await checkpointer.close();
  }
});
