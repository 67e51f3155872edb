import { PutRecordCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { activeConsumer, dataOf, EventReader, http2Client } from './fanOutClient.js';
import { untilActive } from './untilActive.js';

const SHARD = 'shardId-000000000000';

describe('local Kinesis SubscribeToShard starting positions and shard ends', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  let consumerArn: string;
  /** Sequence numbers of the records a, b, c, d put in that order on stream `positions`. */
  const sequence: Record<string, string> = {};
  let betweenBAndC = 0;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streams: { positions: 1, split: 1 },
      streamStatusDelayMs: 50,
      efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 200 },
    });
    client = http2Client(local);
    consumerArn = await activeConsumer(client, 'positions', 'reader');
    for (const data of ['a', 'b', 'c', 'd']) {
      if (data === 'c') {
        // Arrival times have a millisecond resolution: leave a gap to start AT_TIMESTAMP in.
        await new Promise((resolve) => setTimeout(resolve, 20));
        betweenBAndC = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const put = await client.send(
        new PutRecordCommand({ StreamName: 'positions', PartitionKey: data, Data: Buffer.from(data) }),
      );
      sequence[data] = put.SequenceNumber!;
    }
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  /** The data of the first event's records, and its continuation point. */
  async function firstEvent(
    position: Parameters<typeof EventReader.subscribe>[3],
  ): Promise<{ data: string[]; continuation: string | undefined }> {
    // One subscription per consumer and shard: each read waits for the previous to end.
    const reader = await subscribeWhenFree(position);
    const event = await reader.event();
    reader.cancel();
    return { data: dataOf([event]), continuation: event.ContinuationSequenceNumber };
  }

  async function subscribeWhenFree(
    position: Parameters<typeof EventReader.subscribe>[3],
  ): Promise<EventReader> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        return await EventReader.subscribe(client, consumerArn, SHARD, position);
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  it('TRIM_HORIZON starts at the oldest record', async () => {
    const { data, continuation } = await firstEvent({ Type: 'TRIM_HORIZON' });
    expect(data).toEqual(['a', 'b', 'c', 'd']);
    expect(continuation).toBe(sequence.d);
  });

  it('AT_SEQUENCE_NUMBER starts at that record, AFTER_SEQUENCE_NUMBER after it', async () => {
    expect((await firstEvent({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: sequence.b })).data).toEqual([
      'b',
      'c',
      'd',
    ]);
    expect((await firstEvent({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequence.b })).data).toEqual([
      'c',
      'd',
    ]);
    // After the last record: nothing yet, and the continuation stays at that record.
    expect(await firstEvent({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequence.d })).toEqual({
      data: [],
      continuation: sequence.d,
    });
  });

  it('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
    const { data, continuation } = await firstEvent({
      Type: 'AT_TIMESTAMP',
      Timestamp: new Date(betweenBAndC),
    });
    expect(data).toEqual(['c', 'd']);
    expect(continuation).toBe(sequence.d);
    // A time after every record: nothing yet, the continuation at the last record before it.
    expect(await firstEvent({ Type: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() - 1) })).toEqual({
      data: [],
      continuation: sequence.d,
    });
  });

  it('LATEST starts after the newest record, and resuming AFTER its continuation loses nothing', async () => {
    const reader = await subscribeWhenFree({ Type: 'LATEST' });
    const first = await reader.event();
    expect(first.Records).toEqual([]);
    expect(first.ContinuationSequenceNumber).toBe(sequence.d);
    reader.cancel();
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'positions', PartitionKey: 'e', Data: Buffer.from('e') }),
    );
    const resumed = await subscribeWhenFree({
      Type: 'AFTER_SEQUENCE_NUMBER',
      SequenceNumber: first.ContinuationSequenceNumber!,
    });
    const events = await resumed.eventsWithRecords(1);
    expect(dataOf(events)).toEqual(['e']);
    expect(events[events.length - 1]!.ContinuationSequenceNumber).toBe(put.SequenceNumber);
    resumed.cancel();
  });

  it('refuses a sequence number of another shard or an unknown position type', async () => {
    const foreign = await client
      .send(new PutRecordCommand({ StreamName: 'split', PartitionKey: 'x', Data: Buffer.from('x') }))
      .then((put) => put.SequenceNumber!);
    const wrong = await EventReader.subscribe(client, consumerArn, SHARD, {
      Type: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: `${foreign}9`,
    }).catch((caught: unknown) => caught);
    expect((wrong as Error).name).toBe('InvalidArgumentException');
    const missing = await EventReader.subscribe(client, consumerArn, 'shardId-000000000007', {
      Type: 'LATEST',
    }).catch((caught: unknown) => caught);
    expect((missing as Error).name).toBe('ResourceNotFoundException');
  });

  it('names the child shards in the last event of a split shard, then ends the stream', async () => {
    const splitConsumer = await activeConsumer(client, 'split', 'follower');
    const reader = await EventReader.subscribe(client, splitConsumer, SHARD, { Type: 'TRIM_HORIZON' });
    expect(dataOf([await reader.event()])).toEqual(['x']);
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: SHARD,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await untilActive(client, 'split');
    let last;
    for (;;) {
      const outcome = await reader.next();
      if (outcome.kind !== 'event') throw new Error(`expected the shard's last event, got ${outcome.kind}`);
      if (outcome.event.ChildShards !== undefined) {
        last = outcome.event;
        break;
      }
      expect(outcome.event.ContinuationSequenceNumber).toMatch(/^\d+$/);
    }
    expect(last.ContinuationSequenceNumber).toBeUndefined();
    expect(last.ChildShards!.map((child) => child.ShardId).sort()).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    for (const child of last.ChildShards!) {
      expect(child.ParentShards).toEqual([SHARD]);
      expect(child.HashKeyRange?.StartingHashKey).toMatch(/^\d+$/);
    }
    expect((await reader.next()).kind).toBe('end');
    // Past the second the shard closed in (the store dates the closing to the second).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    // A later subscription to the closed shard gets its records, then the same last event.
    const again = await EventReader.subscribe(client, splitConsumer, SHARD, { Type: 'TRIM_HORIZON' });
    const replay = [await again.event()];
    while (replay[replay.length - 1]!.ChildShards === undefined) replay.push(await again.event());
    expect(dataOf(replay)).toEqual(['x']);
    expect(replay[replay.length - 1]!.ChildShards).toHaveLength(2);
    // Nothing is left to read behind the end of a closed shard: caught up.
    expect(replay[replay.length - 1]!.MillisBehindLatest).toBe(0);
    expect((await again.next()).kind).toBe('end');
  });
});
