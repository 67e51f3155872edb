import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ResourceNotFoundException,
  SubscribeToShardCommand,
  type GetRecordsCommandOutput,
  type GetShardIteratorCommandOutput,
  type KinesisClient,
  type ListShardsCommandOutput,
} from '@aws-sdk/client-kinesis';

/** What a trimming client calls back with (to trim shards at a given point of a test). */
export interface TrimmingHooks {
  /** After each ListShards answer, before the caller gets it (trimmed shards already left out). */
  readonly afterListShards?: () => void;
  /** After each GetShardIterator answer of `shardId`, before the caller gets it. */
  readonly afterShardIterator?: (shardId: string) => void;
  /** Trimmed shards ListShards still lists (a listing that lags the trim). */
  readonly stillListed?: ReadonlySet<string>;
}

/**
 * A client whose ListShards leaves out the shards in `trimmed`, as AWS does past the retention,
 * and whose GetShardIterator, GetRecords and SubscribeToShard of such a shard answer
 * ResourceNotFoundException, as AWS does for a shard that is no longer there (the embedded
 * Kinesis keeps every shard).
 */
export function trimmingClient(
  client: KinesisClient,
  trimmed: ReadonlySet<string>,
  hooks: TrimmingHooks = {},
): KinesisClient {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  /** The shard of every iterator handed out. */
  const iterators = new Map<string, string>();
  const gone = (shardId: string, streamName: string | undefined) =>
    new ResourceNotFoundException({
      message: `Shard ${shardId} in stream ${streamName ?? ''} under account 000000000000 does not exist`,
      $metadata: { httpStatusCode: 400 },
    });
  const trimming = async (command: unknown, options?: unknown): Promise<unknown> => {
    if (command instanceof SubscribeToShardCommand) {
      const { ShardId: shardId = '' } = command.input;
      if (trimmed.has(shardId)) throw gone(shardId, undefined);
      return send(command, options);
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId: shardId = '', StreamName: streamName } = command.input;
      if (trimmed.has(shardId)) throw gone(shardId, streamName);
      const out = (await send(command, options)) as GetShardIteratorCommandOutput;
      if (out.ShardIterator !== undefined) iterators.set(out.ShardIterator, shardId);
      hooks.afterShardIterator?.(shardId);
      return out;
    }
    if (command instanceof GetRecordsCommand) {
      const iterator = command.input.ShardIterator ?? '';
      const shardId = iterators.get(iterator);
      if (shardId !== undefined && trimmed.has(shardId)) throw gone(shardId, undefined);
      const out = (await send(command, options)) as GetRecordsCommandOutput;
      iterators.delete(iterator);
      if (shardId !== undefined && out.NextShardIterator) iterators.set(out.NextShardIterator, shardId);
      return out;
    }
    const out = await send(command, options);
    if (!(command instanceof ListShardsCommand)) return out;
    const listed = out as ListShardsCommandOutput;
    const answer = {
      ...listed,
      Shards: listed.Shards?.filter((shard) => {
        const shardId = shard.ShardId ?? '';
        return !trimmed.has(shardId) || hooks.stillListed?.has(shardId) === true;
      }),
    };
    hooks.afterListShards?.();
    return answer;
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? trimming : (Reflect.get(target, property, receiver) as unknown),
  });
}
