import 'reflect-metadata';
import { Controller, Inject, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientsModule,
  EventPattern,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { lastValueFrom, Observable } from 'rxjs';
import { MemoryCheckpointer, RedisCheckpointer, type Checkpointer, type DeliveredReport } from 'rxjs-kinesis';
import {
  KinesisClientProxy,
  KinesisEmitRecord,
  KinesisTransportStrategy,
  NestUsageError,
  type KinesisContext,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { AppModule } from '../../examples/nestjs/AppModule.js';
import { exampleConfig } from '../../examples/nestjs/exampleConfig.js';
import { ORDERS_CLIENT } from '../../examples/nestjs/ordersClient.js';
import type { OrderCreated } from '../../examples/nestjs/OrderEvents.js';
import { OrdersStore } from '../../examples/nestjs/OrdersStore.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { Gate, WAIT_MS, waitFor } from '../nestjs/fixtures/nestHarness.js';

// Real Nest applications on the embedded Kinesis (and a real Redis); generous waits for a loaded machine.
jest.setTimeout(90_000);

let kinesis: TestKinesis;
let redis: TestRedis;
const running: INestMicroservice[] = [];
const checkpointers: Checkpointer[] = [];

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis(), startTestRedis()]);
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.close();
  for (const checkpointer of checkpointers.splice(0)) await checkpointer.close();
});

afterAll(async () => {
  await Promise.all([kinesis?.close(), redis?.close()]);
});

type ModuleFactory = (options: Parameters<typeof AppModule.forRoot>[0]) => DynamicModule;

interface Booted {
  readonly app: INestMicroservice;
  readonly checkpointer: Checkpointer;
  readonly strategy: KinesisTransportStrategy;
  readonly deadLetters: KinesisDeadLetter[];
  readonly client: ClientProxy;
}

async function boot(
  streamName: string,
  module: ModuleFactory = AppModule.forRoot,
  checkpointer: Checkpointer = new MemoryCheckpointer(),
  transport: { handlerTimeoutMs?: number } = {},
): Promise<Booted> {
  const deadLetters: KinesisDeadLetter[] = [];
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
  const strategy = new KinesisTransportStrategy({ ...config.transport, ...transport });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module({ client: config.client }), {
    strategy,
    logger: false,
  });
  running.push(app);
  await app.listen();
  return { app, checkpointer, strategy, deadLetters, client: app.get<ClientProxy>(ORDERS_CLIENT) };
}

/** A module with the given controllers and providers, and the orders client. */
function moduleOf(controllers: DynamicModule['controllers'], providers: DynamicModule['providers'] = []) {
  @Module({})
  class TestModule {}
  return (options: Parameters<typeof AppModule.forRoot>[0]): DynamicModule => ({
    module: TestModule,
    imports: [
      ClientsModule.register([
        { name: ORDERS_CLIENT, customClass: KinesisClientProxy, options: options.client },
      ]),
    ],
    controllers,
    providers,
  });
}

function emit(client: ClientProxy, pattern: string, data: unknown): Promise<DeliveredReport<KinesisMessage>> {
  return lastValueFrom(client.emit<DeliveredReport<KinesisMessage>>(pattern, data));
}

async function checkpointOf(checkpointer: Checkpointer, streamName: string, shardId: string) {
  const checkpoint = await checkpointer.getCheckpoint(streamName, shardId);
  return checkpoint?.kind === 'position' ? checkpoint.position.sequenceNumber : undefined;
}

async function checkpointedThrough(
  checkpointer: Checkpointer,
  streamName: string,
  report: DeliveredReport<unknown>,
) {
  const at = await checkpointOf(checkpointer, streamName, report.shardId);
  return at !== undefined && compareSequenceNumbers(at, report.sequenceNumber) >= 0;
}

describe('rxjs-kinesis/nestjs in a Nest application on the embedded Kinesis', () => {
  it('delivers an emitted event to its @EventPattern handler and checkpoints it', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, client } = await boot(streamName);
    const store = app.get(OrdersStore);
    const order: OrderCreated = { orderId: 'o-1', customer: 'ada', total: 42.5 };

    const report = await emit(client, 'order.created', new KinesisEmitRecord(order, { partitionKey: 'o-1' }));
    expect(report.status).toBe('delivered');
    expect(report.partitionKey).toBe('o-1');
    expect(report.item).toEqual({ pattern: 'order.created', data: order });

    await store.waitForOrders(1, WAIT_MS);
    expect(store.all()).toEqual([{ order, shardId: report.shardId, sequenceNumber: report.sequenceNumber }]);
    await waitFor('the checkpoint', () => checkpointedThrough(checkpointer, streamName, report));
    expect(await checkpointOf(checkpointer, streamName, report.shardId)).toBe(report.sequenceNumber);
  });

  it('dead-letters and checkpoints an event with no handler, and later events still arrive', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, client, deadLetters } = await boot(streamName);
    const store = app.get(OrdersStore);

    const unknown = await emit(client, 'order.shipped', { orderId: 'o-1' });
    await waitFor('the unknown event to be checkpointed', () =>
      checkpointedThrough(checkpointer, streamName, unknown),
    );
    expect(store.all()).toEqual([]);

    const order: OrderCreated = { orderId: 'o-2', customer: 'grace', total: 7 };
    const created = await emit(client, 'order.created', order);
    await store.waitForOrders(1, WAIT_MS);
    expect(store.get('o-2')?.order).toEqual(order);
    await waitFor('the checkpoint', () => checkpointedThrough(checkpointer, streamName, created));
    // The event no handler matched went to the dead-letter callback (nothing else did).
    expect(
      deadLetters.map((deadLetter) =>
        deadLetter.reason === 'no-handler'
          ? [deadLetter.reason, deadLetter.pattern, deadLetter.item.sequenceNumber, deadLetter.error]
          : [deadLetter.reason],
      ),
    ).toEqual([['no-handler', 'order.shipped', unknown.sequenceNumber, undefined]]);
  });

  it('gives a failed handler to the dead-letter callback and goes on', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, client, deadLetters } = await boot(streamName);
    const store = app.get(OrdersStore);

    const failed = await emit(client, 'order.cancelled', { orderId: 'o-404', reason: 'typo' });
    const order: OrderCreated = { orderId: 'o-3', customer: 'alan', total: 1 };
    const created = await emit(client, 'order.created', order);
    await store.waitForOrders(1, WAIT_MS);
    await waitFor('the checkpoint', () => checkpointedThrough(checkpointer, streamName, created));

    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
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
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { checkpointer, client } = await boot(
      streamName,
      moduleOf([SlowController], [{ provide: Gate, useValue: gate }]),
    );
    const report = await emit(client, 'slow', {});
    try {
      await waitFor('the handler to start', () => gate.entered);
      // Several checkpoint intervals (200 ms) pass while the handler runs: nothing is written.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await checkpointOf(checkpointer, streamName, report.shardId)).toBeUndefined();
    } finally {
      gate.open();
    }
    await waitFor('the checkpoint', () => checkpointedThrough(checkpointer, streamName, report));
  });

  it('handles the shards side by side: a slow handler on one shard does not hold back another', async () => {
    const gate = new Gate();
    const handled: string[] = [];
    @Controller()
    class ShardsController {
      constructor(@Inject(Gate) private readonly gateway: Gate) {}

      @EventPattern('slow')
      async onSlow(): Promise<void> {
        this.gateway.entered = true;
        await this.gateway.opened;
      }

      @EventPattern('fast')
      onFast(data: { id: string }): void {
        handled.push(data.id);
      }
    }
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 2);
    const { client } = await boot(
      streamName,
      moduleOf([ShardsController], [{ provide: Gate, useValue: gate }]),
    );
    try {
      const slow = await emit(client, 'slow', new KinesisEmitRecord({}, { partitionKey: 'slow' }));
      await waitFor('the slow handler to start', () => gate.entered);
      // Keys until one lands on the other shard (MD5 spreads them evenly).
      let other: DeliveredReport<KinesisMessage> | undefined;
      for (let i = 0; other === undefined && i < 64; i++) {
        const report = await emit(
          client,
          'fast',
          new KinesisEmitRecord({ id: `f-${i}` }, { partitionKey: `k-${i}` }),
        );
        if (report.shardId !== slow.shardId) other = report;
      }
      expect(other).toBeDefined();
      const id = (other!.item.data as { id: string }).id;
      await waitFor('the event on the other shard', () => handled.includes(id));
      expect(gate.entered).toBe(true);
    } finally {
      gate.open();
    }
  });

  it('app.close() lets the handler under way finish and writes its checkpoint', async () => {
    const gate = new Gate();
    let finished = false;
    @Controller()
    class SlowController {
      constructor(@Inject(Gate) private readonly gateway: Gate) {}

      @EventPattern('slow')
      async onSlow(): Promise<void> {
        this.gateway.entered = true;
        await this.gateway.opened;
        finished = true;
      }
    }
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { app, checkpointer, client } = await boot(
      streamName,
      moduleOf([SlowController], [{ provide: Gate, useValue: gate }]),
      new MemoryCheckpointer(),
      { handlerTimeoutMs: 60_000 },
    );
    const report = await emit(client, 'slow', {});
    await waitFor('the handler to start', () => gate.entered);

    let closed = false;
    const closing = app.close().then(() => (closed = true));
    running.splice(running.indexOf(app), 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    gate.open();
    await closing;
    expect(finished).toBe(true);
    expect(await checkpointOf(checkpointer, streamName, report.shardId)).toBe(report.sequenceNumber);
  });

  it('gives up a handler after its @EventPattern timeout, unsubscribes it and goes on', async () => {
    let unsubscribed = false;
    const seen: string[] = [];
    @Controller()
    class StuckController {
      @EventPattern('stuck', { timeoutMs: 500 })
      onStuck(): Observable<void> {
        return new Observable<void>(() => () => (unsubscribed = true));
      }

      @EventPattern('next')
      onNext(data: { id: string }): void {
        seen.push(data.id);
      }
    }
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const { checkpointer, client, deadLetters } = await boot(streamName, moduleOf([StuckController]));

    const stuck = await emit(client, 'stuck', {});
    const next = await emit(client, 'next', { id: 'n-1' });
    await waitFor('the next event', () => seen.length === 1);
    await waitFor('the checkpoint', () => checkpointedThrough(checkpointer, streamName, next));

    expect(unsubscribed).toBe(true);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      reason: 'handler-timeout',
      pattern: 'stuck',
      item: { sequenceNumber: stuck.sequenceNumber },
      error: { name: 'HandlerTimeoutError', timeoutMs: 500, pattern: 'stuck' },
    });
  });

  it('wraps every handler call in the server processing hooks', async () => {
    const calls: string[] = [];
    @Controller()
    class HookedController {
      @EventPattern('hooked')
      onHooked(data: { id: string }): void {
        calls.push(`handler ${data.id}`);
      }
    }
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const deadLetters: KinesisDeadLetter[] = [];
    const config = exampleConfig({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
    });
    const strategy = new KinesisTransportStrategy(config.transport);
    strategy.setOnProcessingStartHook(async (_transportId, context, done) => {
      calls.push(`start ${(context as KinesisContext).getPattern()}`);
      await done();
      calls.push('after done');
    });
    strategy.setOnProcessingEndHook((_transportId, context) => {
      calls.push(`end ${(context as KinesisContext).getSequenceNumber()}`);
    });
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(
      moduleOf([HookedController])({ client: config.client }),
      { strategy, logger: false },
    );
    running.push(app);
    await app.listen();
    const report = await emit(app.get<ClientProxy>(ORDERS_CLIENT), 'hooked', { id: 'h-1' });
    await waitFor('the hooks', () => calls.includes('after done'));
    expect(calls).toEqual(['start hooked', 'handler h-1', `end ${report.sequenceNumber}`, 'after done']);
    expect(deadLetters).toEqual([]);
  });

  it('resumes after a restart from the Redis checkpoint without handling events twice', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const keyPrefix = uniqueKeyPrefix('nest');
    const redisCheckpointer = () => {
      const checkpointer = new RedisCheckpointer({ redis: redis.url, name: 'orders', keyPrefix });
      checkpointers.push(checkpointer);
      return checkpointer;
    };
    const first = await boot(streamName, AppModule.forRoot, redisCheckpointer());
    const written = await emit(first.client, 'order.created', { orderId: 'o-1', customer: 'ada', total: 1 });
    await first.app.get(OrdersStore).waitForOrders(1, WAIT_MS);
    await first.app.close();
    running.splice(running.indexOf(first.app), 1);
    expect(await checkpointOf(first.checkpointer, streamName, written.shardId)).toBe(written.sequenceNumber);

    const second = await boot(streamName, AppModule.forRoot, redisCheckpointer());
    const store = second.app.get(OrdersStore);
    await emit(second.client, 'order.created', { orderId: 'o-2', customer: 'grace', total: 2 });
    await store.waitForOrders(1, WAIT_MS);
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
      AppModule.forRoot({ client: config.client }),
      { strategy, logger: false },
    );
    running.push(app);
    await expect(app.listen()).rejects.toMatchObject({ name: 'StreamNotFoundError' });
  });

  it('refuses unwrap() before listening, an unknown event name and a second listen() with NestUsageError', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const strategy = new KinesisTransportStrategy({
      consumer: {
        streamName,
        endpoint: kinesis.endpoint,
        region: kinesis.region,
        credentials: kinesis.credentials,
        checkpointer: new MemoryCheckpointer(),
      },
    });
    expect(() => strategy.unwrap()).toThrow(NestUsageError);
    expect(() => strategy.on('nope' as 'error', () => undefined)).toThrow(NestUsageError);
    const listening = (): Promise<unknown> =>
      new Promise((resolve) => strategy.listen((error?: unknown) => resolve(error)));
    try {
      expect(await listening()).toBeUndefined();
      const second = await listening();
      expect(second).toBeInstanceOf(NestUsageError);
      expect(second).toMatchObject({ retriable: false, call: 'KinesisTransportStrategy.listen()' });
      expect(strategy.unwrap()).toBeDefined();
    } finally {
      await strategy.close();
    }
  });

  it('rejects app.listen() when a handler timeout is invalid', async () => {
    @Controller()
    class BadController {
      @EventPattern('bad', { timeoutMs: -1 })
      onBad(): void {}
    }
    const config = exampleConfig({
      streamName: uniqueStreamName('nest'),
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
    });
    const strategy = new KinesisTransportStrategy(config.transport);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(
      moduleOf([BadController])({ client: config.client }),
      { strategy, logger: false },
    );
    running.push(app);
    await expect(app.listen()).rejects.toMatchObject({
      name: 'InvalidOptionError',
      option: "@EventPattern('bad') timeoutMs",
    });
    for (const handlerTimeoutMs of [0, -1, Number.NaN, 2 ** 31]) {
      expect(() => new KinesisTransportStrategy({ ...config.transport, handlerTimeoutMs })).toThrow(
        'Invalid option "handlerTimeoutMs"',
      );
    }
    expect(
      () => new KinesisTransportStrategy({ ...config.transport, handlerTimeoutMs: Infinity }),
    ).not.toThrow();
  });

  it('the client writes on emit(), uses its partitionKey option, and close() flushes what is buffered', async () => {
    const streamName = uniqueStreamName('nest');
    await kinesis.createStream(streamName, 1);
    const client = new KinesisClientProxy({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      bufferTime: 60_000, // only close() sends it
      partitionKey: (message) => `key-${(message.data as { id: string }).id}`,
    });
    expect(() => client.unwrap()).toThrow(NestUsageError);
    expect(() => client.unwrap()).toThrow('not connected');
    const emitted = lastValueFrom(client.emit<DeliveredReport<KinesisMessage>>('order.created', { id: 'a' }));
    await waitFor('the producer', () => {
      try {
        return client.unwrap<{ queuedItems: number }>().queuedItems === 1;
      } catch {
        return false;
      }
    });
    await client.close();
    const report = await emitted;
    expect(report).toMatchObject({
      status: 'delivered',
      partitionKey: 'key-a',
      item: { pattern: 'order.created', data: { id: 'a' } },
    });
  });

  it('the client refuses send(): Kinesis has no replies', async () => {
    const client = new KinesisClientProxy({
      streamName: 'unused',
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
    });
    const refused = lastValueFrom(client.send('x', {}));
    await expect(refused).rejects.toThrow('only emit() is supported');
    await expect(refused).rejects.toBeInstanceOf(NestUsageError);
    await expect(refused).rejects.toMatchObject({ retriable: false, call: 'KinesisClientProxy.send()' });
    await client.close();
  });
});
