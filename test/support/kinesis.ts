// Kinesis for tests: KINESIS_ENDPOINT if set, else the embedded local Kinesis (kinesalite in-process).
import { randomBytes } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisFaults } from '../../src/local/LocalKinesisFaults.js';
import type { LocalKinesisLimits } from '../../src/local/LocalKinesisLimits.js';
import type { LocalKinesisStats } from '../../src/local/LocalKinesisStats.js';

export interface TestKinesis {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  createClient(): KinesisClient;
  /** Creates a stream and waits until it is ACTIVE. */
  createStream(name: string, shards: number): Promise<void>;
  deleteStream(name: string): Promise<void>;
  /** What the limits/fault layer did; undefined against an external KINESIS_ENDPOINT. */
  readonly stats: LocalKinesisStats | undefined;
  /** Stops the embedded server; a no-op against an external KINESIS_ENDPOINT. */
  close(): Promise<void>;
}

export interface TestKinesisOptions {
  /** Start the embedded server with Kinesis limits on (ignored with KINESIS_ENDPOINT). */
  readonly limits?: boolean | LocalKinesisLimits;
  /** Faults to inject (ignored with KINESIS_ENDPOINT). */
  readonly faults?: LocalKinesisFaults;
  /** Clock of the rate windows (ignored with KINESIS_ENDPOINT). */
  readonly clock?: () => number;
  /**
   * Use the embedded server even when KINESIS_ENDPOINT is set: tests that rely on limits or
   * faults need it.
   */
  readonly embedded?: boolean;
}

export function uniqueStreamName(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export async function startTestKinesis(options: TestKinesisOptions = {}): Promise<TestKinesis> {
  const external = process.env.KINESIS_ENDPOINT;
  const wantsLayer =
    options.limits !== undefined || options.faults !== undefined || options.clock !== undefined;
  if (external !== undefined && external !== '' && options.embedded !== true && !wantsLayer) {
    return externalKinesis(external);
  }
  const local = await startLocalKinesis({
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  return {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
    createClient: () => local.createClient(),
    createStream: (name, shards) => local.createStream(name, shards),
    deleteStream: (name) => local.deleteStream(name),
    get stats() {
      return local.stats;
    },
    close: () => local.close(),
  };
}

function externalKinesis(endpoint: string): TestKinesis {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  const createClient = (): KinesisClient => createKinesisClient({ endpoint, region, credentials });
  const waitUntil = async (done: (client: KinesisClient) => Promise<boolean>): Promise<void> => {
    const client = createClient();
    try {
      const deadline = Date.now() + 60_000;
      while (!(await done(client))) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${endpoint}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.destroy();
    }
  };
  return {
    endpoint,
    region,
    credentials,
    createClient,
    async createStream(name, shards) {
      const client = createClient();
      try {
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      } finally {
        client.destroy();
      }
      await waitUntil(async (c) => {
        const summary = await c.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
      });
    },
    async deleteStream(name) {
      const client = createClient();
      try {
        await client.send(new DeleteStreamCommand({ StreamName: name }));
      } finally {
        client.destroy();
      }
      await waitUntil(async (c) => {
        try {
          await c.send(new DescribeStreamSummaryCommand({ StreamName: name }));
          return false;
        } catch (error) {
          if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return true;
          throw error;
        }
      });
    },
    stats: undefined,
    close: async () => undefined,
  };
}
