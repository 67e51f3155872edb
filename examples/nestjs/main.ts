// A NestJS microservice on Kinesis: starts an embedded Kinesis, boots the orders microservice
// with KinesisTransportStrategy, publishes a few events through KinesisClientProxy, waits until
// the handlers saw them, prints them and shuts down.
// Run: npx tsx examples/nestjs/main.ts
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { ClientProxy, MicroserviceOptions } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { MemoryCheckpointer, type DeliveredReport } from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';
import { KinesisEmitRecord, KinesisTransportStrategy, type KinesisMessage } from 'rxjs-kinesis/nestjs';
import { AppModule } from './AppModule.js';
import { exampleConfig } from './exampleConfig.js';
import { ORDERS_CLIENT } from './ordersClient.js';
import { OrdersStore } from './OrdersStore.js';

async function main(): Promise<void> {
  const local = await startLocalKinesis({ streams: { orders: 2 } });
  const checkpointer = new MemoryCheckpointer();
  let deadLettered: () => void = () => undefined;
  const deadLetterSeen = new Promise<void>((resolve) => (deadLettered = resolve));
  let unhandledLettered: () => void = () => undefined;
  const unhandledSeen = new Promise<void>((resolve) => (unhandledLettered = resolve));
  const config = exampleConfig({
    streamName: 'orders',
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
    checkpointer,
    onDeadLetter: (deadLetter) => {
      if (deadLetter.reason === 'no-handler') {
        console.log(`dead letter (no-handler): ${deadLetter.pattern ?? '(no pattern)'}`);
        unhandledLettered();
        return;
      }
      console.log(`dead letter (${deadLetter.reason}):`, deadLetter.error);
      deadLettered();
    },
  });
  const strategy = new KinesisTransportStrategy(config.transport);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    AppModule.forRoot({ client: config.client }),
    { strategy, logger: ['error', 'warn', 'log'] },
  );
  try {
    await app.listen();
    const client = app.get<ClientProxy>(ORDERS_CLIENT);
    const store = app.get(OrdersStore);

    const orders = [
      { orderId: 'o-1', customer: 'ada', total: 42 },
      { orderId: 'o-2', customer: 'grace', total: 7.5 },
      { orderId: 'o-3', customer: 'alan', total: 19.99 },
    ];
    for (const order of orders) {
      // emit() writes at once; its Observable gives the delivery report.
      const report = await lastValueFrom(
        client.emit<DeliveredReport<KinesisMessage>>(
          'order.created',
          new KinesisEmitRecord(order, { partitionKey: order.orderId }),
        ),
      );
      console.log(`published ${order.orderId} -> ${report.shardId} @ ${report.sequenceNumber}`);
    }
    // No handler for this pattern: logged, given to onDeadLetter, checkpointed; later events flow.
    await lastValueFrom(client.emit('order.shipped', { orderId: 'o-1' }));
    // Fails in its handler (unknown order): logged and given to onDeadLetter.
    await lastValueFrom(client.emit('order.cancelled', { orderId: 'o-404', reason: 'typo' }));

    await store.waitForOrders(orders.length, 30_000);
    await Promise.all([deadLetterSeen, unhandledSeen]);
    for (const { order, shardId, sequenceNumber } of store.all()) {
      console.log(
        `handled ${order.orderId} (${order.customer}, ${order.total}) from ${shardId} @ ${sequenceNumber}`,
      );
    }
  } finally {
    // Stops the transport (handler under way finishes, checkpoints written), then closes the client.
    await app.close();
    await local.close();
  }
  for (const { shardId, checkpoint } of checkpointer.snapshot()) {
    console.log(`checkpoint ${shardId}:`, checkpoint);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A failure is one line on stderr and exit status 1, in every example.
    console.error(`example failed: ${String(error)}`);
    process.exit(1);
  },
);
