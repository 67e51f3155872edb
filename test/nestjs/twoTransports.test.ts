// Two Kinesis transports in one process, each reading its own stream, with handlers bound to one
// transport by its id (setTransportId) or to both.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisClientProxy, KinesisTransportStrategy, type KinesisContext } from 'rxjs-kinesis/nestjs';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(120_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis();
});

afterAll(async () => {
  await kinesis?.close();
});

const ORDERS = Symbol('orders');
const AUDIT = Symbol('audit');

it('routes each stream to the handlers of its transport', async () => {
  const orders = uniqueStreamName('nest-orders');
  const audit = uniqueStreamName('nest-audit');
  await Promise.all([kinesis.createStream(orders, 1), kinesis.createStream(audit, 1)]);
  const seen: string[] = [];
  @Controller()
  class EventsController {
    @EventPattern('created', ORDERS)
    onOrder(@Payload() data: { id: string }): void {
      seen.push(`orders-only ${data.id}`);
    }

    @EventPattern('created', AUDIT)
    onAudit(@Payload() data: { id: string }): void {
      seen.push(`audit-only ${data.id}`);
    }

    @EventPattern('ping')
    onPing(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
      seen.push(`both ${data.id} ${context.getItem().record.streamName === orders ? 'orders' : 'audit'}`);
    }
  }
  @Module({ controllers: [EventsController] })
  class EventsModule {}
  const connection = (streamName: string) => ({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
  });
  const apps = [];
  for (const [streamName, id] of [
    [orders, ORDERS],
    [audit, AUDIT],
  ] as const) {
    const strategy = new KinesisTransportStrategy({
      consumer: {
        ...connection(streamName),
        checkpointer: new MemoryCheckpointer(),
        sleepTimeNoRecords: 100,
      },
    });
    strategy.setTransportId(id);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(EventsModule, {
      strategy,
      logger: false,
    });
    apps.push(app);
    await app.listen();
  }
  const clients = [orders, audit].map(
    (streamName) => new KinesisClientProxy({ ...connection(streamName), bufferTime: 10 }),
  );
  try {
    await lastValueFrom(clients[0]!.emit('created', { id: 'o-1' }));
    await lastValueFrom(clients[1]!.emit('created', { id: 'a-1' }));
    await lastValueFrom(clients[0]!.emit('ping', { id: 'p-1' }));
    await lastValueFrom(clients[1]!.emit('ping', { id: 'p-2' }));
    const deadline = Date.now() + 60_000;
    while (seen.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...seen].sort()).toEqual([
      'audit-only a-1',
      'both p-1 orders',
      'both p-2 audit',
      'orders-only o-1',
    ]);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    for (const app of apps) await app.close();
  }
});
