import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { activeConsumer, dataOf, EventReader, http2Client } from './fanOutClient.js';

const SHARD = 'shardId-000000000000';

describe('local Kinesis SubscribeToShard over HTTP/2', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streams: { pushed: 1 },
      efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 300 },
    });
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function put(data: string): Promise<string> {
    const answer = await client.send(
      new PutRecordCommand({ StreamName: 'pushed', PartitionKey: 'k', Data: Buffer.from(data) }),
    );
    return answer.SequenceNumber!;
  }

  it('pushes the records put after subscribing, with their sequence numbers and arrival times', async () => {
    const consumerArn = await activeConsumer(client, 'pushed', 'pushes');
    const before = await put('before');
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    const first = await reader.event();
    expect(first.Records).toEqual([]);
    // Before any record, the continuation is the last record before the start.
    expect(first.ContinuationSequenceNumber).toBe(before);
    const sequenceNumbers = [await put('one'), await put('two')];
    const events = await reader.eventsWithRecords(2);
    expect(dataOf(events)).toEqual(['one', 'two']);
    const records = events.flatMap((event) => event.Records ?? []);
    expect(records.map((record) => record.SequenceNumber)).toEqual(sequenceNumbers);
    expect(records.map((record) => record.PartitionKey)).toEqual(['k', 'k']);
    for (const record of records) {
      expect(record.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
      expect(Math.abs(record.ApproximateArrivalTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);
    }
    const last = events[events.length - 1]!;
    expect(last.ContinuationSequenceNumber).toBe(sequenceNumbers[1]);
    expect(last.MillisBehindLatest).toBe(0);
    expect(last.ChildShards).toBeUndefined();
    reader.cancel();
  });

  it('reads a ShardId such as shardId-0 as the shard it names, one subscription with the long form', async () => {
    const consumerArn = await activeConsumer(client, 'pushed', 'short-ids');
    const first = await put('short');
    const short = await EventReader.subscribe(client, consumerArn, 'shardId-0', {
      Type: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: first,
    });
    const events = await short.eventsWithRecords(1);
    expect(events[0]!.Records![0]!.SequenceNumber).toBe(first);
    // The same shard: a second subscription of this consumer to it, under its long name, is
    // refused while the first is open.
    const error = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).name).toBe('ResourceInUseException');
    short.cancel();
    // Digits alone name the shard too.
    const other = await activeConsumer(client, 'pushed', 'digits-only');
    const digits = await EventReader.subscribe(client, other, '0', {
      Type: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: first,
    });
    expect((await digits.eventsWithRecords(1))[0]!.Records![0]!.SequenceNumber).toBe(first);
    digits.cancel();
  });

  it('sends an empty event at least every idle interval on a quiet shard', async () => {
    const consumerArn = await activeConsumer(client, 'pushed', 'idle');
    const started = Date.now();
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await reader.event();
    for (let i = 0; i < 3; i += 1) {
      const event = await reader.event(10_000);
      expect(event.Records).toEqual([]);
      expect(event.ContinuationSequenceNumber).toMatch(/^\d+$/);
    }
    // The first event and three idle ones 300 ms apart: not sooner than 900 ms after subscribing.
    expect(Date.now() - started).toBeGreaterThanOrEqual(890);
    reader.cancel();
    expect(local.stats.fanOutEvents).toBeGreaterThanOrEqual(4);
  });
});
