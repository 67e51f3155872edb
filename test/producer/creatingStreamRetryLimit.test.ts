// A stream someone else created and that is still CREATING when the producer starts (infrastructure
// as code; some seconds to ~30 s on AWS): the producer waits for it for streamWaitTime, whatever its
// retryLimit (which counts retries of a record, not looks at a stream not ready yet), and delivers
// once it is ACTIVE. The local Kinesis answers ListShards of a CREATING stream as AWS does
// (ResourceInUseException).
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { Producer } from '../../src/producer/Producer.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

const CREATING_MS = 3_000;

let local: LocalKinesis;
beforeAll(async () => {
  local = await startLocalKinesis({ streamStatusDelayMs: CREATING_MS });
});
afterAll(() => local.close());

it('retryLimit 1: items put while the stream is CREATING are delivered once it is ACTIVE', async () => {
  const streamName = uniqueStreamName('creating');
  const client = local.createClient();
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 }));
  const producer = new Producer<number>({
    streamName,
    client,
    retryLimit: 1,
    expoBackoff: 10,
    expoBackoffLimit: 50,
  });
  try {
    const startedAt = Date.now();
    const reports = await Promise.all([1, 2, 3].map((item) => producer.send(item)));
    expect(reports.map((report) => report.status)).toEqual(['delivered', 'delivered', 'delivered']);
    // It did wait for the stream: delivered no earlier than its CREATING time (less the margin of
    // the set-up between CreateStream and the producer's start).
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(CREATING_MS - 1_000);
    expect(producer.metrics().totals).toMatchObject({ items: 3, failures: 0 });
  } finally {
    await producer.close();
    client.destroy();
  }
});
