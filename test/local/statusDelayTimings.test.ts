import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type StreamDescription,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

/** Long enough for a loaded machine to look several times within it. */
const DELAY_MS = 2_000;
const POLL_MS = 100;
const SETTLE_LIMIT_MS = 30_000;

interface Observation {
  /** When the DescribeStream call was answered. */
  readonly answeredAt: number;
  /** undefined: the stream is gone. */
  readonly description: StreamDescription | undefined;
}

/**
 * Describes the stream every POLL_MS until `done` holds for what is seen (bounded), and
 * returns every observation.
 */
async function watch(
  client: KinesisClient,
  streamName: string,
  done: (description: StreamDescription | undefined) => boolean,
): Promise<Observation[]> {
  const seen: Observation[] = [];
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    let description: StreamDescription | undefined;
    try {
      description = (await client.send(new DescribeStreamCommand({ StreamName: streamName })))
        .StreamDescription;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    seen.push({ answeredAt: Date.now(), description });
    if (done(description)) return seen;
    if (Date.now() > deadline) throw new Error(`${streamName} did not settle: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The observations answered before the status delay could have ended (counted from `sentAt`). */
function withinDelay(seen: readonly Observation[], sentAt: number): Observation[] {
  return seen.filter((observation) => observation.answeredAt < sentAt + DELAY_MS);
}

describe('local Kinesis stream status delay (as kinesalite keeps it, cancelled only by close())', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: DELAY_MS });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('CreateStream: CREATING with no shards for the delay, then ACTIVE with them', async () => {
    const sentAt = Date.now();
    await client.send(new CreateStreamCommand({ StreamName: 'created', ShardCount: 2 }));
    const seen = await watch(client, 'created', (d) => d?.StreamStatus === 'ACTIVE');
    const early = withinDelay(seen, sentAt);
    // On a machine too loaded to look within the delay there is nothing to check here.
    for (const { description } of early) {
      expect(description).toMatchObject({ StreamStatus: 'CREATING', Shards: [] });
    }
    const last = seen[seen.length - 1]!;
    expect(last.answeredAt - sentAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(last.description!.Shards).toHaveLength(2);
    expect(seen.slice(0, -1).every((o) => o.description?.StreamStatus === 'CREATING')).toBe(true);
  });

  it('SplitShard: UPDATING with the parent shard alone for the delay, then ACTIVE with the children', async () => {
    await local.createStream('split', 1);
    const sentAt = Date.now();
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const seen = await watch(client, 'split', (d) => d?.StreamStatus === 'ACTIVE');
    for (const { description } of seen.slice(0, -1)) {
      expect(description!.StreamStatus).toBe('UPDATING');
      expect(description!.Shards).toHaveLength(1);
      expect(description!.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
    }
    const last = seen[seen.length - 1]!;
    expect(last.answeredAt - sentAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(last.description!.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(last.description!.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
  });

  it('UpdateShardCount: UPDATING through its step (one status delay), the new shards after it', async () => {
    await local.createStream('scaled', 1);
    const sentAt = Date.now();
    await client.send(
      new UpdateShardCountCommand({
        StreamName: 'scaled',
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    const seen = await watch(client, 'scaled', (d) => d?.StreamStatus === 'ACTIVE');
    for (const { description } of seen.slice(0, -1)) {
      expect(description!.StreamStatus).toBe('UPDATING');
    }
    // The step (a split) lands after the delay; the stream stays UPDATING until the scaling
    // has seen that no step is left.
    for (const { description } of withinDelay(seen, sentAt)) {
      expect(description!.Shards).toHaveLength(1);
    }
    const last = seen[seen.length - 1]!;
    expect(last.answeredAt - sentAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(last.description!.Shards).toHaveLength(3);
  });

  it('DeleteStream: DELETING for the delay, then gone', async () => {
    await local.createStream('deleted', 1);
    const sentAt = Date.now();
    await client.send(new DeleteStreamCommand({ StreamName: 'deleted' }));
    const seen = await watch(client, 'deleted', (d) => d === undefined);
    for (const { description } of seen.slice(0, -1)) {
      expect(description!.StreamStatus).toBe('DELETING');
    }
    const last = seen[seen.length - 1]!;
    expect(last.answeredAt - sentAt).toBeGreaterThanOrEqual(DELAY_MS);
  });
});
