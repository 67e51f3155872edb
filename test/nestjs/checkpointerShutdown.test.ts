// The README's NestJS example closes its RedisCheckpointer in onApplicationShutdown: Nest must call
// that hook only once the transport stopped, with the last checkpoint written and the leases
// released, so that closing the checkpointer there loses nothing (and its connection no longer
// keeps the process alive).
import 'reflect-metadata';
import { Controller, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, type MicroserviceOptions } from '@nestjs/microservices';
import { CheckpointerClosedError, RedisCheckpointer, type ShardCheckpoint } from 'rxjs-kinesis';
import { KinesisTransportStrategy, type KinesisContext } from 'rxjs-kinesis/nestjs';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

const harness = useNestHarness();
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
}, 60_000);

afterAll(async () => {
  await redis?.close();
});

it('a checkpointer closed in onApplicationShutdown: the transport stopped first, its last checkpoint written and leases released', async () => {
  const streamName = await harness.createStream('nest-checkpointer-shutdown');
  const options = { redis: redis.url, name: 'orders-service', keyPrefix: uniqueKeyPrefix('nest') };
  const checkpointer = new RedisCheckpointer(options);
  const observer = new RedisCheckpointer(options);
  let handled: { shardId: string; sequenceNumber: string } | undefined;
  const atShutdown: { checkpoint?: ShardCheckpoint | undefined; owners?: (string | undefined)[] } = {};

  @Controller()
  class OrdersController {
    @EventPattern('order.created')
    async onOrderCreated(_order: unknown, @Ctx() context: KinesisContext): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 200));
      handled = { shardId: context.getShardId(), sequenceNumber: context.getSequenceNumber() };
    }
  }

  @Module({ controllers: [OrdersController] })
  class AppModule implements OnApplicationShutdown {
    async onApplicationShutdown(): Promise<void> {
      atShutdown.checkpoint = await observer.getCheckpoint(streamName, handled?.shardId ?? '');
      atShutdown.owners = (await observer.listLeases(streamName)).map((lease) => lease.owner);
      await checkpointer.close();
    }
  }

  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    // No write before close(): the last checkpoint is close()'s.
    checkpoint: { batchSize: 1_000, intervalMs: 600_000 },
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    strategy,
    logger: false,
  });
  try {
    await app.listen();
    const report = await emitted(harness.client(streamName), 'order.created', { orderId: 'o-1' });
    await waitFor('the event handled', () => handled !== undefined);
    await app.close();

    expect(atShutdown.checkpoint).toEqual({
      kind: 'position',
      position: { sequenceNumber: report.sequenceNumber },
    });
    expect(atShutdown.owners).toEqual([undefined]);
    await expect(checkpointer.getCheckpoint(streamName, report.shardId)).rejects.toBeInstanceOf(
      CheckpointerClosedError,
    );
  } finally {
    await checkpointer.close();
    await observer.close();
  }
});
