import { ListShardsCommand, type KinesisClient, type ListShardsCommandOutput } from '@aws-sdk/client-kinesis';

/** A client whose ListShards leaves out the shards in `trimmed`, as AWS does past the retention. */
export function trimmingClient(client: KinesisClient, trimmed: ReadonlySet<string>): KinesisClient {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const trimming = async (command: unknown, options?: unknown): Promise<unknown> => {
    const out = await send(command, options);
    if (!(command instanceof ListShardsCommand)) return out;
    const listed = out as ListShardsCommandOutput;
    return { ...listed, Shards: listed.Shards?.filter((shard) => !trimmed.has(shard.ShardId ?? '')) };
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? trimming : (Reflect.get(target, property, receiver) as unknown),
  });
}
