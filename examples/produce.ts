// Writes events to a Kinesis stream with toKinesis() and with the imperative Producer.
// Run against the embedded local Kinesis: npx tsx examples/produce.ts
import { interval, map, take } from 'rxjs';
import { toKinesis, Producer } from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

interface OrderEvent {
  readonly userId: string;
  readonly amount: number;
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({ limits: true, streams: { orders: 2 } });
  const connection = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };

  // The operator: one delivery report per event, completion after the last one is stored.
  await new Promise<void>((resolve, reject) => {
    interval(10)
      .pipe(
        take(50),
        map((i): OrderEvent => ({ userId: `user-${i % 5}`, amount: i })),
        toKinesis<OrderEvent>({
          streamName: 'orders',
          ...connection,
          partitionKey: (event) => event.userId,
          bufferTime: 100,
          preserveOrder: true,
        }),
      )
      .subscribe({
        next: (report) => {
          if (report.status === 'delivered') {
            console.log(`#${report.index} -> ${report.shardId} ${report.sequenceNumber}`);
          } else {
            console.error(`#${report.index} ${report.status}: ${report.error.message}`);
          }
        },
        error: reject,
        complete: resolve,
      });
  });

  // The Producer: put() waits while the queue is full, putAll() puts many items and waits only
  // when it is; close() flushes and waits.
  const producer = new Producer<OrderEvent>({
    streamName: 'orders',
    ...connection,
    partitionKey: (event) => event.userId,
  });
  await producer.putAll(Array.from({ length: 100 }, (_, i) => ({ userId: `user-${i % 7}`, amount: i })));
  const report = await producer.send({ userId: 'user-0', amount: 1000 });
  console.log(`last event stored in ${report.shardId} at ${report.sequenceNumber}`);
  await producer.close();
  console.log(producer.metrics().totals);
  await local.close();
}

main().catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
