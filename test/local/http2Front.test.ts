import { connect } from 'node:net';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { http2Client } from './fanOutClient.js';

describe('local Kinesis endpoint: HTTP/1.1 and HTTP/2 on one port', () => {
  const now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { both: 1 } });
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('serves the ordinary operations, limits included, to the SDK default HTTP/2 handler', async () => {
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: 'both',
        Records: [1, 2, 3].map((i) => ({ Data: new Uint8Array([i]), PartitionKey: `k${i}` })),
      }),
    );
    expect(put.FailedRecordCount).toBe(0);
    const shards = await client.send(new ListShardsCommand({ StreamName: 'both' }));
    expect(shards.Shards).toHaveLength(1);
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'both',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator!;
    const read: number[] = [];
    for (let call = 0; call < 5; call += 1) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
      read.push(...(page.Records ?? []).map((record) => record.Data![0]!));
      iterator = page.NextShardIterator!;
    }
    expect(read).toEqual([1, 2, 3]);
    await expect(client.send(new GetRecordsCommand({ ShardIterator: iterator }))).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });

  it('tells an HTTP/1.1 request from the HTTP/2 preface even when its first bytes arrive alone', async () => {
    const url = new URL(local.endpoint);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
      // "P" could begin "PRI * HTTP/2.0": the endpoint must wait for more before choosing.
      socket.write('P', () =>
        setTimeout(
          () =>
            socket.write('OST / HTTP/1.1\r\nHost: local\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'),
          50,
        ),
      );
    });
    expect(answer.startsWith('HTTP/1.1 ')).toBe(true);
  });
});
