// How to test a pipeline of your own. Its logic, on records you make yourself, with an RxJS
// marble test (deserialize() and checkpointFilter() read any record); the whole of it, with
// checkpoint(), against the embedded local Kinesis, checking what was committed.
// Run: npx tsx examples/test-your-pipeline.ts (in a test runner, each part is one test).
import assert from 'node:assert/strict';
import { lastValueFrom, map, take, toArray, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  Producer,
  type KinesisItem,
  type KinesisRecord,
} from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

interface Order {
  readonly orderId: number;
  readonly amount: number;
}

/**
 * The code under test: keeps the orders of 100 or more. checkpointFilter(), not filter(): an
 * order dropped here still counts as done, so the checkpoint can pass it.
 */
function largeOrders(): OperatorFunction<KinesisItem<Order>, KinesisItem<Order>> {
  return checkpointFilter((item: KinesisItem<Order>) => item.data.amount >= 100);
}

const orders: readonly Order[] = [
  { orderId: 1, amount: 50 },
  { orderId: 2, amount: 150 },
  { orderId: 3, amount: 300 },
  { orderId: 4, amount: 20 },
];

/** A record as fromKinesis() emits it, made by hand. */
function recordOf(order: Order, sequenceNumber: string): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber,
    partitionKey: `order-${order.orderId}`,
    data: new TextEncoder().encode(JSON.stringify(order)),
    approximateArrivalTimestamp: new Date(0),
  };
}

function marbleTest(): void {
  const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  scheduler.run(({ cold, expectObservable }) => {
    const records = cold('a-b-c-d|', {
      a: recordOf(orders[0] as Order, '1'),
      b: recordOf(orders[1] as Order, '2'),
      c: recordOf(orders[2] as Order, '3'),
      d: recordOf(orders[3] as Order, '4'),
    });
    const ids = records.pipe(
      deserialize<Order>(),
      largeOrders(),
      map((item) => item.data.orderId),
    );
    expectObservable(ids).toBe('--x-y--|', { x: 2, y: 3 });
  });
  console.log('marble test: orders 2 and 3 pass, 1 and 4 are dropped');
}

async function localKinesisTest(): Promise<void> {
  const local = await startLocalKinesis({ streams: { orders: 1 } });
  const connection = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
  };
  const producer = new Producer<Order>({ streamName: 'orders', ...connection });
  const stored: string[] = [];
  for (const order of orders) stored.push((await producer.send(order)).sequenceNumber);
  await producer.close();

  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName: 'orders', ...connection, checkpointer });
  const ids = await lastValueFrom(
    consumer.pipe(
      deserialize<Order>(),
      largeOrders(),
      checkpoint({ batchSize: 1 }),
      map((item) => item.data.orderId),
      take(2),
      toArray(),
    ),
  );
  // Stopped: the positions of the work done are written.
  await consumer.stopped();
  assert.deepEqual(ids, [2, 3]);
  // Committed through order 3, the last one handled; order 4 is read again by the next run.
  assert.deepEqual(await checkpointer.getCheckpoint('orders', 'shardId-000000000000'), {
    kind: 'position',
    position: { sequenceNumber: stored[2] },
  });
  console.log(`local Kinesis test: orders ${ids.join(' and ')} handled, checkpoint at order 3`);
  await local.close();
}

async function main(): Promise<void> {
  marbleTest();
  await localKinesisTest();
}

main().catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
