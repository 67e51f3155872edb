// Workers of one consumer group keep their positions and leases in a DynamoDB table in the KCL's
// lease-table format: worker-1 processes part of the stream and stops (its last checkpoints are
// written, its leases released), worker-2 takes the shards over and continues where it left off.
// Then the table is printed as a KCL worker would read it.
// Run: npx tsx examples/dynamodb-group.ts
// DynamoDB: DYNAMODB_ENDPOINT if set (DynamoDB Local, LocalStack), else dynalite (npm i -D dynalite)
// started here. Kinesis: the embedded local Kinesis, started here.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom, map, take } from 'rxjs';
import { DynamoDBCheckpointer, checkpoint, deserialize, fromKinesis } from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

const STREAM = 'orders';
// A KCL application's table is named after the application; each run names its own, as it starts
// a new local Kinesis (a DYNAMODB_ENDPOINT kept between runs holds positions of earlier streams).
const TABLE = `order-processors-${Date.now()}`;
const ORDERS = 40;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

/** DYNAMODB_ENDPOINT, else dynalite in this process (stopped by the returned function). */
async function dynamoEndpoint(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external !== undefined && external !== '') return { endpoint: external, stop: async () => {} };
  // A dynamic import loads it in an ES module project as in a CommonJS one (dynalite has no types).
  const dynaliteModule: string = 'dynalite';
  const loaded = (await import(dynaliteModule)) as { default: (options: Record<string, number>) => Server };
  const dynalite = loaded.default;
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({ streams: { [STREAM]: 2 } });
  const dynamo = await dynamoEndpoint();
  const kinesis = local.createClient();
  await kinesis.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: Array.from({ length: ORDERS }, (_, orderId) => ({
        PartitionKey: `user-${orderId % 7}`,
        Data: Buffer.from(JSON.stringify({ orderId })),
      })),
    }),
  );
  const processed: number[] = [];

  async function runWorker(workerId: string, orders: number): Promise<void> {
    const checkpointer = new DynamoDBCheckpointer({
      tableName: TABLE, // created on first use (on-demand billing) unless createTable: false
      endpoint: dynamo.endpoint,
      region,
      credentials,
      failoverTimeMs: 10_000,
    });
    const consumer = fromKinesis({
      streamName: STREAM,
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      workerId,
      checkpointer,
      sleepTimeNoRecords: 100,
    });
    await lastValueFrom(
      consumer.pipe(
        deserialize<{ orderId: number }>(),
        map((item) => {
          processed.push(item.data.orderId);
          console.log(`${workerId} ${item.shardId} order ${item.data.orderId}`);
          return item;
        }),
        checkpoint({ batchSize: 5 }),
        take(orders),
      ),
    );
    // Stopping writes the last checkpoints and releases the leases (leaseOwner removed).
    await consumer.stopped();
    await checkpointer.close();
  }

  await runWorker('worker-1', 15);
  await runWorker('worker-2', ORDERS - 15);

  const table = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region,
    credentials,
    requestHandler: new NodeHttpHandler({ requestTimeout: 5_000 }),
  });
  const { Items = [] } = await table.send(new ScanCommand({ TableName: TABLE }));
  console.log('lease table, as the KCL reads it:');
  for (const item of Items)
    console.log(
      `  ${item.leaseKey?.S} checkpoint=${item.checkpoint?.S} sub=${item.checkpointSubSequenceNumber?.N} ` +
        `leaseCounter=${item.leaseCounter?.N} leaseOwner=${item.leaseOwner?.S ?? '(none)'} ` +
        `hashKeys=${item.startingHashKey?.S}..${item.endingHashKey?.S}`,
    );
  const unique = new Set(processed);
  console.log(`processed ${processed.length} records, ${unique.size} distinct orders`);
  await table.send(new DeleteTableCommand({ TableName: TABLE }));
  table.destroy();
  kinesis.destroy();
  await dynamo.stop();
  await local.close();
  if (unique.size !== ORDERS || processed.length !== ORDERS) process.exit(1);
}

main().catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
