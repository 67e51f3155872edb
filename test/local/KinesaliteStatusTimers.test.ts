import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { kinesalite, type LoadedKinesalite } from '../../src/local/loadKinesalite.js';

const DELAY_MS = 300;

async function statusOf(client: KinesisClient, streamName: string): Promise<string | undefined> {
  try {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    return summary.StreamDescriptionSummary!.StreamStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('KinesaliteStatusTimers (the status-change timers of kinesalite, made cancellable)', () => {
  let loaded: LoadedKinesalite;
  let client: KinesisClient;

  beforeEach(async () => {
    loaded = kinesalite({ createStreamMs: DELAY_MS, deleteStreamMs: DELAY_MS, updateStreamMs: DELAY_MS });
    await new Promise<void>((resolve) => loaded.server.listen(0, '127.0.0.1', resolve));
    const { port } = loaded.server.address() as AddressInfo;
    client = createKinesisClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterEach(async () => {
    client.destroy();
    loaded.statusTimers.close();
    await new Promise<void>((resolve) => {
      loaded.server.close(() => resolve());
      loaded.server.closeAllConnections();
    });
  });

  it('holds each pending change until it lands, and leaves the global setTimeout as it was', async () => {
    const { statusTimers } = loaded;
    const globalSetTimeout = globalThis.setTimeout;
    await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    expect(statusTimers.size).toBe(1);
    expect(globalThis.setTimeout).toBe(globalSetTimeout);
    await until(async () => (await statusOf(client, 's')) === 'ACTIVE');
    expect(statusTimers.size).toBe(0);

    // Writes (which store the stream record too) start no timer.
    await client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: new Uint8Array(1) }));
    expect(statusTimers.size).toBe(0);

    await client.send(
      new SplitShardCommand({
        StreamName: 's',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    expect(statusTimers.size).toBe(1);
    await client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: new Uint8Array(1) }));
    expect(statusTimers.size).toBe(1);
    await until(async () => (await statusOf(client, 's')) === 'ACTIVE');
    expect(statusTimers.size).toBe(0);

    await client.send(new DeleteStreamCommand({ StreamName: 's' }));
    expect(statusTimers.size).toBe(1);
    await until(async () => (await statusOf(client, 's')) === undefined);
    expect(statusTimers.size).toBe(0);
    expect(globalThis.setTimeout).toBe(globalSetTimeout);
  });

  it('close() cancels the pending changes: they never land', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'pending', ShardCount: 1 }));
    expect(loaded.statusTimers.size).toBe(1);
    loaded.statusTimers.close();
    expect(loaded.statusTimers.size).toBe(0);
    await sleep(DELAY_MS * 3);
    expect(await statusOf(client, 'pending')).toBe('CREATING');
  });

  it('a change started after close() still lands while the process lives, unheld', async () => {
    loaded.statusTimers.close();
    await client.send(new CreateStreamCommand({ StreamName: 'late', ShardCount: 1 }));
    expect(loaded.statusTimers.size).toBe(0);
    await until(async () => (await statusOf(client, 'late')) === 'ACTIVE');
  });
});
