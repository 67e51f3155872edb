import { TestScheduler } from 'rxjs/testing';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { ShardListing } from '../../src/consumer/GoneShardCheck.js';
import { goneShardSource } from '../../src/consumer/goneShardSource.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import type { ReadingSourceFactory } from '../../src/consumer/ReadingSource.js';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import type { Logger } from '../../src/logging/Logger.js';

// retryLimit: Infinity and a shard ListShards keeps listing while every read of it is refused
// as not found: read again for ever, each back-off within expoBackoffLimit, one warning naming
// the shard and the refusals so far (not one per retry), and stop() ends it at once.

const SHARD = 'shardId-000000000003';

/** A listing that always shows the shard (closed). */
const listing: ShardListing = {
  startedListings: 0,
  has: () => true,
  isOpen: () => false,
  refresh() {
    (this as { startedListings: number }).startedListings += 1;
    return Promise.resolve(undefined);
  },
};

/** Lets the promise chains between two refusals run (GoneShardCheck's listing). */
const microtasks = () => new Promise((resolve) => setImmediate(resolve));

test('a listed shard refused for ever: bounded back-off, one warning with the count, stop() ends it', async () => {
  const scheduler = new TestScheduler(() => undefined);
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  const warnings: [string, Readonly<Record<string, unknown>> | undefined][] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, details) => void warnings.push([message, details]),
    error: () => undefined,
  };
  let starts = 0;
  const source: ReadingSourceFactory = (params) => ({
    start: () => {
      starts += 1;
      params.onError(new StreamNotFoundError(`Shard ${SHARD} in stream orders does not exist`));
    },
    stop: () => undefined,
  });
  const events: ConsumerEvent[] = [];
  const errors: RxjsKinesisError[] = [];
  const reading = goneShardSource({
    source,
    directory: listing,
    running: () => true,
    options: {
      logger,
      expoBackoff: 100,
      expoBackoffLimit: 2000,
      retryLimit: Number.POSITIVE_INFINITY,
      random: () => 0.99,
    },
  })({
    streamName: 'orders',
    shardId: SHARD,
    start: { iteratorType: 'TRIM_HORIZON' },
    gate: new InFlightGate({ records: 10, items: 10, bytes: 1000 }),
    fairShare: () => 10,
    scheduler,
    onRecords: () => undefined,
    onEnd: () => undefined,
    onEvent: (event) => events.push(event),
    onError: (error) => errors.push(error),
  });
  reading.start();
  for (let i = 0; i < 40; i += 1) {
    await microtasks();
    scheduler.flush();
  }
  await microtasks();
  const retried = events.filter((event) => event.type === 'error-retried');
  expect(starts).toBe(41);
  expect(retried).toHaveLength(41); // the last one waits for its back-off
  expect(errors).toEqual([]);
  // Bounded: the delays grow to expoBackoffLimit (full jitter below it) and stay there.
  const delays = retried.map((event) => (event.type === 'error-retried' ? event.delayMs : -1));
  expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
  expect(delays.slice(-5).every((ms) => ms > 1900)).toBe(true);
  // One warning for the shard, with the refusals so far, not one per retry.
  expect(warnings).toEqual([
    [
      expect.stringContaining('shard listed but its reads are refused as not found: read again for ever'),
      expect.objectContaining({ shardId: SHARD, refusals: 10, retryLimit: 'Infinity' }),
    ],
  ]);
  // stop() during a back-off: the timer goes with it, nothing is read again.
  expect(scheduler.actions).toHaveLength(1);
  reading.stop();
  expect(scheduler.actions).toHaveLength(0);
  await microtasks();
  scheduler.flush();
  expect(starts).toBe(41);
});
