import 'reflect-metadata';
import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { AppModule } from '../../examples/nestjs/AppModule.js';
import { exampleConfig } from '../../examples/nestjs/exampleConfig.js';
import { KinesisPublisher } from '../../examples/nestjs/KinesisPublisher.js';
import { KINESIS_PUBLISHER_OPTIONS } from '../../examples/nestjs/KinesisPublisherOptions.js';
import type { DeadLetter } from '../../examples/nestjs/KinesisTransportOptions.js';
import { KinesisTransportStrategy } from '../../examples/nestjs/KinesisTransportStrategy.js';
import type { OrderCreated } from '../../examples/nestjs/OrderEvents.js';
import { OrdersStore } from '../../examples/nestjs/OrdersStore.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(30_000);

let kinesis: TestKinesis;
const running: INestMicroservice[] = [];

beforeAll(async () => {
  kinesis = await startTestKinesis();
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.close();
});

afterAll(async () => {
  await kinesis.close();
});

interface Booted {
  readonly app: INestMicroservice;
  readonly checkpointer: MemoryCheckpointer;
  readonly strategy: KinesisTransportStrategy;
  readonly deadLetters: DeadLetter[];
  readonly publisher: KinesisPublisher;
}

async function boot(
  streamName: string,
  module = AppModule.forRoot,
  checkpointer = new MemoryCheckpointer(),
): Promise<Booted> {
  const deadLetters: DeadLetter[] = [];
  const config = exampleConfig({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    onDeadLetter: (deadLetter) => {
      deadLetters.push(deadLetter);
    },
  });
  const strategy = new KinesisTransportStrategy(config.transport);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    module({ publisher: config.publisher }),
    { strategy, logger: false },
  );
  running.push(app);
  await app.listen();
  return { app, checkpointer, strategy, deadLetters, publisher: app.get(KinesisPublisher) };
}

/** The sequence number checkpointed for a shard, if any. */
function checkpointOf(checkpointer: MemoryCheckpointer, shardId: string): string | undefined {
  const entry = checkpointer.snapshot().find((e) => e.shardId === shardId);
  return entry?.checkpoint.kind === 'position' ? entry.checkpoint.position.sequenceNumber : undefined;
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function checkpointedThrough(checkpointer: MemoryCheckpointer, shardId: string, sequenceNumber: string) {
  const at = checkpointOf(checkpointer, shardId);
  return at !== undefined && compareSequenceNumbers(at, sequenceNumber) >= 0;
}

describe('NestJS example on the embedded Kinesis', () => {
  it('delivers a published event to its @EventPattern handler and checkpoints it', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, publisher } = await boot(streamName);
    const store = app.get(OrdersStore);
    const order: OrderCreated = { orderId: 'o-1', customer: 'ada', total: 42.5 };

    const report = await publisher.emit('order.created', order, { partitionKey: 'o-1' });
    expect(report.status).toBe('delivered');
    expect(report.partitionKey).toBe('o-1');

    await store.waitForOrders(1, 10_000);
    expect(store.all()).toEqual([{ order, shardId: report.shardId, sequenceNumber: report.sequenceNumber }]);
    await waitFor('the checkpoint', () =>
      checkpointedThrough(checkpointer, report.shardId, report.sequenceNumber),
    );
    expect(checkpointOf(checkpointer, report.shardId)).toBe(report.sequenceNumber);
  });

  it('skips and checkpoints an event with no handler, and later events still arrive', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, publisher, deadLetters } = await boot(streamName);
    const store = app.get(OrdersStore);

    const unknown = await publisher.emit('order.shipped', { orderId: 'o-1' });
    await waitFor('the unknown event to be checkpointed', () =>
      checkpointedThrough(checkpointer, unknown.shardId, unknown.sequenceNumber),
    );
    expect(store.all()).toEqual([]);

    const order: OrderCreated = { orderId: 'o-2', customer: 'grace', total: 7 };
    const created = await publisher.emit('order.created', order);
    await store.waitForOrders(1, 10_000);
    expect(store.get('o-2')?.order).toEqual(order);
    await waitFor('the checkpoint', () =>
      checkpointedThrough(checkpointer, created.shardId, created.sequenceNumber),
    );
    expect(deadLetters).toEqual([]);
  });

  it('gives a failed handler to the dead-letter callback and goes on', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, publisher, deadLetters } = await boot(streamName);
    const store = app.get(OrdersStore);

    const failed = await publisher.emit('order.cancelled', { orderId: 'o-404', reason: 'typo' });
    const order: OrderCreated = { orderId: 'o-3', customer: 'alan', total: 1 };
    const created = await publisher.emit('order.created', order);
    await store.waitForOrders(1, 10_000);
    await waitFor('the checkpoint', () =>
      checkpointedThrough(checkpointer, created.shardId, created.sequenceNumber),
    );

    expect(deadLetters).toHaveLength(1);
    const [deadLetter] = deadLetters;
    expect(deadLetter).toMatchObject({
      reason: 'handler-failed',
      pattern: 'order.cancelled',
      item: {
        shardId: failed.shardId,
        sequenceNumber: failed.sequenceNumber,
        data: { pattern: 'order.cancelled', data: { orderId: 'o-404', reason: 'typo' } },
      },
      error: { status: 'error', message: 'Order o-404 does not exist' },
    });
  });

  it('checkpoints an event only after its handler finished', async () => {
    const gate = new Gate();
    @Controller()
    class SlowController {
      constructor(@Inject(Gate) private readonly gateway: Gate) {}

      @EventPattern('slow')
      async onSlow(): Promise<void> {
        this.gateway.entered = true;
        await this.gateway.opened;
      }
    }
    @Module({})
    class SlowModule {}
    const slowModule = (options: Parameters<typeof AppModule.forRoot>[0]) => ({
      module: SlowModule,
      controllers: [SlowController],
      providers: [
        KinesisPublisher,
        { provide: KINESIS_PUBLISHER_OPTIONS, useValue: options.publisher },
        { provide: Gate, useValue: gate },
      ],
    });

    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { checkpointer, publisher } = await boot(streamName, slowModule);
    const report = await publisher.emit('slow', {});
    try {
      await waitFor('the handler to start', () => gate.entered);
      // Several checkpoint intervals (200 ms) pass while the handler runs: nothing is written.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(checkpointOf(checkpointer, report.shardId)).toBeUndefined();
    } finally {
      gate.open();
    }
    await waitFor('the checkpoint', () =>
      checkpointedThrough(checkpointer, report.shardId, report.sequenceNumber),
    );
  });

  it('resumes after a restart from the checkpoint without handling events twice', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const checkpointer = new MemoryCheckpointer();
    const first = await boot(streamName, AppModule.forRoot, checkpointer);
    await first.publisher.emit('order.created', { orderId: 'o-1', customer: 'ada', total: 1 });
    await first.app.get(OrdersStore).waitForOrders(1, 10_000);
    await first.app.close();
    running.splice(running.indexOf(first.app), 1);

    const second = await boot(streamName, AppModule.forRoot, checkpointer);
    const store = second.app.get(OrdersStore);
    await second.publisher.emit('order.created', { orderId: 'o-2', customer: 'grace', total: 2 });
    await store.waitForOrders(1, 10_000);
    expect(store.all().map((stored) => stored.order.orderId)).toEqual(['o-2']);
  });

  it('rejects app.listen() when the stream does not exist', async () => {
    const config = exampleConfig({
      streamName: uniqueStreamName('missing'),
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
    });
    const strategy = new KinesisTransportStrategy(config.transport);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(
      AppModule.forRoot({ publisher: config.publisher }),
      { strategy, logger: false },
    );
    running.push(app);
    await expect(app.listen()).rejects.toMatchObject({ name: 'StreamNotFoundError' });
  });
});

class Gate {
  entered = false;
  private release: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  open(): void {
    this.release();
  }
}
