import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { ShardMap } from '../kinesis/ShardMap.js';

/**
 * Shard maps of the local streams, read with ListShards from the backing store and kept until
 * a stream is created, deleted or resharded. `undefined` means the stream does not exist (or
 * cannot be listed right now): the caller then lets the backing store answer the request.
 */
export class ShardMapCache {
  private readonly maps = new Map<string, Promise<ShardMap | undefined>>();

  constructor(private readonly client: KinesisClient) {}

  get(streamName: string): Promise<ShardMap | undefined> {
    let map = this.maps.get(streamName);
    if (map === undefined) {
      map = this.load(streamName);
      this.maps.set(streamName, map);
      // A failed or empty lookup is not cached: the stream may appear later.
      void map.then((loaded) => {
        if (loaded === undefined && this.maps.get(streamName) === map) this.maps.delete(streamName);
      });
    }
    return map;
  }

  /** Reloads the map of `streamName` (after a miss or a reshard). */
  refresh(streamName: string): Promise<ShardMap | undefined> {
    this.maps.delete(streamName);
    return this.get(streamName);
  }

  invalidate(streamName: string): void {
    this.maps.delete(streamName);
  }

  private async load(streamName: string): Promise<ShardMap | undefined> {
    try {
      const shards: Shard[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new ListShardsCommand(
            nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken },
          ),
        );
        shards.push(...(page.Shards ?? []));
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return ShardMap.fromShards(shards);
    } catch {
      return undefined;
    }
  }
}
