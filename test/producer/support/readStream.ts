// Reads a whole stream back with a plain GetRecords loop (no library code), for integration tests.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: string;
  /** The record's data as stored (binary formats such as KPL records). */
  readonly bytes: Uint8Array;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every record of every shard, oldest first per shard. Shards are read in turns; reading stops
 * once at least `expected` records were read and every shard has answered three empty pages in a
 * row at the tip (MillisBehindLatest 0), or after `timeoutMs`. Throttled GetRecords calls are
 * retried.
 */
export async function readStream(
  client: KinesisClient,
  streamName: string,
  expected = 0,
  timeoutMs = 60_000,
): Promise<StoredRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const readers = await Promise.all(
    Shards.map(async (shard) => ({
      shardId: shard.ShardId!,
      iterator: (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: streamName,
            ShardId: shard.ShardId!,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator,
      emptyPages: 0,
    })),
  );
  const all: StoredRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  const done = () =>
    all.length >= expected &&
    readers.every((reader) => reader.emptyPages >= 3 || reader.iterator === undefined);
  while (!done() && Date.now() < deadline) {
    for (const reader of readers) {
      if (reader.iterator === undefined) continue;
      let page;
      try {
        page = await client.send(new GetRecordsCommand({ ShardIterator: reader.iterator, Limit: 10_000 }));
      } catch (error) {
        if ((error as { name?: string }).name === 'ProvisionedThroughputExceededException') continue;
        throw error;
      }
      const records = page.Records ?? [];
      for (const record of records) {
        all.push({
          shardId: reader.shardId,
          sequenceNumber: record.SequenceNumber!,
          partitionKey: record.PartitionKey!,
          data: Buffer.from(record.Data!).toString('utf8'),
          bytes: record.Data!,
        });
      }
      reader.emptyPages = records.length === 0 && page.MillisBehindLatest === 0 ? reader.emptyPages + 1 : 0;
      reader.iterator = page.NextShardIterator;
    }
    await sleep(210);
  }
  return all;
}
