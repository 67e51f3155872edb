// Temporary harness: plain kinesalite. Replaced by startLocalKinesis() from src/local.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';

export interface TestKinesis {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  createClient(): KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  close(): Promise<void>;
}

export function uniqueStreamName(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export async function startTestKinesis(): Promise<TestKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const createClient = () => createKinesisClient({ endpoint, region, credentials });
  return {
    endpoint,
    region,
    credentials,
    createClient,
    async createStream(name, shards) {
      const client = createClient();
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (;;) {
        const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      client.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
