// Reads a stream with fromKinesis(), processes each item in order, checkpoints what was
// processed, stops, and resumes from the checkpoint without repeating anything.
// Run against the embedded local Kinesis: npx tsx examples/consume-with-checkpoints.ts
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { concatMap, lastValueFrom, take, timer, map } from 'rxjs';
import { MemoryCheckpointer, type KinesisItem, fromKinesis, checkpoint, deserialize } from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

interface OrderEvent {
  readonly orderId: number;
}

async function handle(item: KinesisItem<OrderEvent>): Promise<void> {
  console.log(`${item.shardId} ${item.sequenceNumber} order ${item.data.orderId}`);
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({ streams: { orders: 2 } });
  const client = local.createClient();
  await client.send(
    new PutRecordsCommand({
      StreamName: 'orders',
      Records: Array.from({ length: 20 }, (_, orderId) => ({
        PartitionKey: `user-${orderId % 5}`,
        Data: Buffer.from(JSON.stringify({ orderId })),
      })),
    }),
  );
  const connection = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
  };
  // Any Checkpointer: a RedisCheckpointer lets several processes share the stream.
  const checkpointer = new MemoryCheckpointer();

  for (const run of [1, 2]) {
    console.log(`run ${run}`);
    const consumer = fromKinesis({ streamName: 'orders', ...connection, sleepTimeNoRecords: 200 });
    consumer.events$.subscribe((event) => {
      if (event.type === 'checkpoint-written') console.log(`  checkpoint ${event.shardId}`, event.position);
    });
    await lastValueFrom(
      consumer.pipe(
        deserialize<OrderEvent>(),
        concatMap((item) =>
          timer(5).pipe(
            concatMap(() => handle(item)),
            map(() => item),
          ),
        ),
        // The checkpointer given here is also the one the consumer resumes from and leases through.
        checkpoint(checkpointer, { batchSize: 5 }),
        take(10),
      ),
    );
    await consumer.stopped();
  }
  client.destroy();
  await local.close();
}

main().catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
