// A `strategy.on()` listener that throws is the listener's bug: the transport logs it and goes on
// (app.listen() resolves, events are handled and checkpointed), and it is no uncaught exception.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { config } from 'rxjs';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

/** What RxJS would throw as an uncaught exception (a throw in a subscriber's callback). */
const uncaught: unknown[] = [];
const previousHandler = config.onUnhandledError;
beforeAll(() => {
  config.onUnhandledError = (error: unknown) => void uncaught.push(error);
});
afterAll(() => {
  config.onUnhandledError = previousHandler;
});

it('a consumer-event or error listener that throws neither stops the transport nor escapes as an uncaught exception', async () => {
  const streamName = await harness.createStream('nest-throwing-listener');
  const handled: number[] = [];
  @Controller()
  class ListenerController {
    @EventPattern('step')
    step(@Payload() data: { n: number }): void {
      handled.push(data.n);
    }
  }
  const checkpointer = new MemoryCheckpointer();
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
  });
  const seen: string[] = [];
  strategy.on('consumer-event', (event) => {
    seen.push(event.type);
    throw new Error(`listener bug on ${event.type}`);
  });
  strategy.on('error', () => {
    throw new Error('error listener bug');
  });
  // The listener throws at every event, 'shards-discovered' too: listen() resolves all the same.
  let timer: NodeJS.Timeout | undefined;
  const app = await Promise.race([
    harness.startApp(strategy, [ListenerController]),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('app.listen() did not resolve')), WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const last = await emitted(harness.client(streamName), 'step', { n: 1 }, 'k');
  await waitFor(
    'the checkpoint of the event',
    () => {
      const [shard] = checkpointer.snapshot();
      return (
        shard?.checkpoint?.kind === 'position' &&
        shard.checkpoint.position.sequenceNumber === last.sequenceNumber
      );
    },
    WAIT_MS,
  );
  expect(handled).toEqual([1]);
  expect(seen).toContain('shards-discovered');
  await harness.closeApp(app);
  expect(seen).toContain('consumer-stopped');
  // Let anything thrown asynchronously surface.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(uncaught.map(String)).toEqual([]);
});

it('an error listener that throws does not keep the error from the next listener', async () => {
  const streamName = await harness.createStream('nest-throwing-error-listener');
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName),
    // Throwing here stops the consumer: the error listeners are told.
    onDeadLetter: () => {
      throw new Error('dead-letter store down');
    },
  });
  const told: unknown[] = [];
  strategy.on('error', () => {
    throw new Error('error listener bug');
  });
  strategy.on('error', (error) => void told.push(error));
  await harness.startApp(strategy);
  await emitted(harness.client(streamName), 'nobody', { n: 1 }, 'k');
  await waitFor('the second listener', () => told.length === 1, WAIT_MS);
  expect(String(told[0])).toBe('Error: dead-letter store down');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(uncaught.map(String)).toEqual([]);
});
