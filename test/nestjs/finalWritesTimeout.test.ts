// app.close() with a checkpointer that stops answering after the handlers are done: the final
// checkpoint writes and lease releases are given up after finalWritesTimeoutMs (default 5 s), with
// a warning naming them, so the whole close stays inside a SIGTERM grace period.
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RedisCheckpointer, type KinesisConsumerObservable } from 'rxjs-kinesis';
import {
  DEFAULT_FINAL_WRITES_TIMEOUT_MS,
  KinesisTransportStrategy,
  type KinesisContext,
} from 'rxjs-kinesis/nestjs';
import { startRedisServer } from '../checkpointers/redis/redisServers.js';
import { uniqueKeyPrefix } from '../support/redis.js';
import { HangingCheckpointer } from './fixtures/HangingCheckpointer.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);

const harness = useNestHarness();

it('app.close() ends finalWritesTimeoutMs after the handlers when the checkpointer hangs, naming what it did not write or release', async () => {
  const streamName = await harness.createStream('nest-final-writes');
  const checkpointer = new HangingCheckpointer();
  const handled: string[] = [];
  @Controller()
  class OrdersController {
    @EventPattern('order')
    onOrder(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
      handled.push(`${data.id} ${context.getSequenceNumber()}`);
    }
  }
  const client = harness.client(streamName);
  const reports = [
    await emitted(client, 'order', { id: 'o1' }),
    await emitted(client, 'order', { id: 'o2' }),
  ];
  const shardId = reports[0]?.shardId ?? '';
  const last = reports[1]?.sequenceNumber ?? '';
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    // Positions are written at close only.
    checkpoint: { intervalMs: 600_000 },
  });
  const app = await harness.startApp(strategy, [OrdersController]);
  const consumer = strategy.unwrap<KinesisConsumerObservable>();
  await waitFor('both events handled', () => handled.length === 2);
  expect(handled).toEqual([`o1 ${reports[0]?.sequenceNumber}`, `o2 ${last}`]);

  const warn = jest.spyOn(Logger.prototype, 'warn');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    checkpointer.hang();
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      harness.closeApp(app).then(() => 'closed'),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still closing'), 60_000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('closed');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(DEFAULT_FINAL_WRITES_TIMEOUT_MS - 50);
    // The final write was asked for and never answered.
    expect(checkpointer.held).toContain('checkpoint');
    const warning = warn.mock.calls
      .map(([message]) => String(message))
      .find((m) => m.includes('finalWritesTimeoutMs'));
    expect(warning).toContain(
      `checkpoints not written: ${shardId} (done up to ${last}, last written none this run)`,
    );
    expect(warning).toContain(`leases not released: ${shardId}`);
    expect(warning).toContain('read again');
    // Nothing was stored meanwhile: the next owner reads both events again (at-least-once).
    expect(await checkpointer.inner.getCheckpoint(streamName, shardId)).toBeUndefined();

    // Once the store answers, the consumer's stop (still under way) ends: written, released.
    checkpointer.answer();
    await consumer.stopped();
    expect(await checkpointer.inner.getCheckpoint(streamName, shardId)).toEqual({
      kind: 'position',
      position: { sequenceNumber: last },
    });
    expect((await checkpointer.listLeases(streamName)).filter((lease) => lease.owner !== undefined)).toEqual(
      [],
    );
    expect(unhandled).toEqual([]);
  } finally {
    checkpointer.answer();
    warn.mockRestore();
    process.off('unhandledRejection', onUnhandled);
  }
});

it('a frozen Redis (SIGSTOP) at close: app.close() ends at finalWritesTimeoutMs, well before the RedisCheckpointer calls give up', async () => {
  const streamName = await harness.createStream('nest-final-writes-redis');
  const redis = await startRedisServer();
  // Default deadlines: a call gives up after 30 s.
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'final',
    keyPrefix: uniqueKeyPrefix('final'),
  });
  const handled: string[] = [];
  @Controller()
  class OrdersController {
    @EventPattern('order')
    onOrder(@Payload() data: { id: string }): void {
      handled.push(data.id);
    }
  }
  const client = harness.client(streamName);
  const report = await emitted(client, 'order', { id: 'o1' });
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 600_000 },
    finalWritesTimeoutMs: 1000,
  });
  const warn = jest.spyOn(Logger.prototype, 'warn');
  let frozen = false;
  try {
    const app = await harness.startApp(strategy, [OrdersController]);
    const consumer = strategy.unwrap<KinesisConsumerObservable>();
    await waitFor('the event handled', () => handled.length === 1);
    redis.signal('SIGSTOP');
    frozen = true;
    const startedAt = performance.now();
    await harness.closeApp(app);
    // Before any call's own 30 s deadline.
    expect(performance.now() - startedAt).toBeLessThan(20_000);
    const warning = warn.mock.calls
      .map(([message]) => String(message))
      .find((message) => message.includes('finalWritesTimeoutMs (1000 ms)'));
    expect(warning).toContain(
      `checkpoints not written: ${report.shardId} (done up to ${report.sequenceNumber}`,
    );
    expect(warning).toContain(`leases not released: ${report.shardId}`);
    // Thawed, the stop still under way writes and releases.
    redis.signal('SIGCONT');
    frozen = false;
    await consumer.stopped();
    expect(await checkpointer.getCheckpoint(streamName, report.shardId)).toEqual({
      kind: 'position',
      position: { sequenceNumber: report.sequenceNumber },
    });
    expect((await checkpointer.listLeases(streamName)).filter((lease) => lease.owner !== undefined)).toEqual(
      [],
    );
  } finally {
    if (frozen) redis.signal('SIGCONT');
    warn.mockRestore();
    await checkpointer.close();
    await redis.close();
  }
});
