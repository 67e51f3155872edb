// The consumer a KinesisTransportStrategy builds gets a deadline of its own for its final writes:
// the transport's finalWritesTimeoutMs plus CONSUMER_FINAL_WRITES_GRACE_MS, unless the consumer
// options set one. With a checkpointer that never answers, app.close() ends at the transport's
// deadline and the consumer's stop, going on in the background, ends at its own: stopped()
// resolves, with final-writes-timeout naming the shard.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumerEvent, KinesisConsumerObservable } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { CONSUMER_FINAL_WRITES_GRACE_MS } from '../../src/nestjs/KinesisTransportOptions.js';
import { HangingCheckpointer } from './fixtures/HangingCheckpointer.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);

const harness = useNestHarness();
const TRANSPORT_MS = 500;

test.each([
  ['the transport deadline plus the grace', undefined, TRANSPORT_MS + CONSUMER_FINAL_WRITES_GRACE_MS],
  ['its own finalWritesTimeoutMs', 1_500, 1_500],
])('a checkpointer that never answers at close: the consumer stops at %s', async (_name, own, expectedMs) => {
  const streamName = await harness.createStream('nest-consumer-final-writes');
  const checkpointer = new HangingCheckpointer();
  const handled: string[] = [];
  @Controller()
  class OrdersController {
    @EventPattern('order')
    onOrder(@Payload() data: { id: string }): void {
      handled.push(data.id);
    }
  }
  const report = await emitted(harness.client(streamName), 'order', { id: 'o1' });
  const strategy = new KinesisTransportStrategy({
    consumer: {
      ...harness.consumerOptions(streamName, checkpointer),
      ...(own === undefined ? {} : { finalWritesTimeoutMs: own }),
    },
    checkpoint: { intervalMs: 600_000 },
    finalWritesTimeoutMs: TRANSPORT_MS,
  });
  const events: ConsumerEvent[] = [];
  try {
    const app = await harness.startApp(strategy, [OrdersController]);
    const consumer = strategy.unwrap<KinesisConsumerObservable>();
    // Its events after close() too (the transport's own listeners are told until close ends).
    consumer.events$.subscribe((event) => events.push(event));
    await waitFor('the event handled', () => handled.length === 1);
    checkpointer.hang();
    const startedAt = performance.now();
    await harness.closeApp(app);
    const closedMs = performance.now() - startedAt;
    expect(closedMs).toBeGreaterThanOrEqual(TRANSPORT_MS - 50);
    await consumer.stopped();
    const stoppedMs = performance.now() - startedAt;
    expect(stoppedMs).toBeGreaterThanOrEqual(expectedMs - 50);
    expect(stoppedMs).toBeLessThan(expectedMs + 15_000);
    expect(checkpointer.held).toContain('checkpoint');
    expect(events.find((event) => event.type === 'final-writes-timeout')).toMatchObject({
      timeoutMs: expectedMs,
      unwritten: [report.shardId],
      unreleased: [report.shardId],
    });
  } finally {
    checkpointer.answer();
  }
});
