import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';
import { startTestKinesis, uniqueStreamName } from '../support/kinesis.js';

describe('startTestKinesis', () => {
  const saved = process.env.KINESIS_ENDPOINT;
  afterEach(() => {
    if (saved === undefined) delete process.env.KINESIS_ENDPOINT;
    else process.env.KINESIS_ENDPOINT = saved;
  });

  it('starts an embedded Kinesis and creates streams on it', async () => {
    delete process.env.KINESIS_ENDPOINT;
    const kinesis = await startTestKinesis();
    const client = kinesis.createClient();
    try {
      const name = uniqueStreamName();
      await kinesis.createStream(name, 2);
      const shards = await client.send(new ListShardsCommand({ StreamName: name }));
      expect(shards.Shards).toHaveLength(2);
      expect(kinesis.stats?.forwardedRequests).toBe(1);
    } finally {
      client.destroy();
      await kinesis.close();
    }
  });

  it('uses KINESIS_ENDPOINT when set, and close() leaves that server running', async () => {
    const outside = await startLocalKinesis();
    try {
      process.env.KINESIS_ENDPOINT = outside.endpoint;
      const kinesis = await startTestKinesis();
      expect(kinesis.endpoint).toBe(outside.endpoint);
      expect(kinesis.stats).toBeUndefined();
      const name = uniqueStreamName('ext');
      await kinesis.createStream(name, 1);
      await kinesis.close();
      const client = outside.createClient();
      const shards = await client.send(new ListShardsCommand({ StreamName: name }));
      expect(shards.Shards).toHaveLength(1);
      client.destroy();
    } finally {
      await outside.close();
    }
  });

  it('starts an embedded one with limits even when KINESIS_ENDPOINT is set', async () => {
    process.env.KINESIS_ENDPOINT = 'http://127.0.0.1:9';
    let now = 1_000_000;
    const kinesis = await startTestKinesis({ limits: { writeRecordsPerSecond: 2 }, clock: () => now });
    const client = kinesis.createClient();
    try {
      expect(kinesis.endpoint).not.toBe('http://127.0.0.1:9');
      const name = uniqueStreamName();
      await kinesis.createStream(name, 1);
      const records = Array.from({ length: 3 }, (_, i) => ({
        Data: new Uint8Array(1),
        PartitionKey: `k${i}`,
      }));
      const result = await client.send(new PutRecordsCommand({ StreamName: name, Records: records }));
      expect(result.FailedRecordCount).toBe(1);
      now += 1000;
      expect(
        (await client.send(new PutRecordsCommand({ StreamName: name, Records: records.slice(0, 2) })))
          .FailedRecordCount,
      ).toBe(0);
    } finally {
      client.destroy();
      await kinesis.close();
    }
  });
});
