import {
  ListShardsCommand,
  ListStreamsCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';

/** Every shard of a stream, open and closed, as the backing store lists them. */
export async function listAllShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards;
}

export function isOpen(shard: Shard): boolean {
  return shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
}

/** The names of every stream the backing store holds. */
export async function listStreamNames(client: KinesisClient): Promise<string[]> {
  const names: string[] = [];
  let more = true;
  while (more) {
    const page = await client.send(
      new ListStreamsCommand(names.length === 0 ? {} : { ExclusiveStartStreamName: names[names.length - 1] }),
    );
    names.push(...(page.StreamNames ?? []));
    more = page.HasMoreStreams === true && (page.StreamNames ?? []).length > 0;
  }
  return names;
}

/** Open shards over every stream of the account (what the account shard limit counts). */
export async function countOpenShards(client: KinesisClient): Promise<number> {
  const names = await listStreamNames(client);
  let open = 0;
  for (const name of names) {
    try {
      open += (await listAllShards(client, name)).filter(isOpen).length;
    } catch (error) {
      // A stream deleted meanwhile holds no shards.
      if ((error as { name?: unknown }).name !== 'ResourceNotFoundException') throw error;
    }
  }
  return open;
}
