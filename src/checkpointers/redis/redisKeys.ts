/**
 * The Redis keys of one (application, stream) pair. Every key carries the same hash tag
 * `{app:stream}`, so all of a stream's keys live in one Redis Cluster slot and every script
 * touches one slot. Application and stream names are URI-encoded inside the tag, so `{`, `}` and
 * `:` in them cannot end the tag early or make two pairs collide.
 *
 * Layout (prefix defaults to `rxjs-kinesis:`):
 * - `<prefix>{<app>:<stream>}:shard:<shardId>` hash: owner, token, expires (lease); seq, sub
 *   (checkpoint) or end=1 (shard end); hreq, hdeadline, hexpires (handoff request); rsv,
 *   rsvuntil (reservation after a handoff)
 * - `<prefix>{<app>:<stream>}:shards` set of shard ids that have a hash
 * - `<prefix>{<app>:<stream>}:workers` sorted set: worker id -> heartbeat expiry (epoch ms)
 * - `<prefix>{<app>:<stream>}:workercaps` hash: worker id -> `<cap>:<heartbeat expiry>`, the
 *   maxShardConsumers its last heartbeat published (valid only while the expiry matches)
 */
export class RedisKeys {
  constructor(
    private readonly prefix: string,
    private readonly application: string,
  ) {}

  /** The hash-tagged base every key of the stream starts with. */
  stream(streamName: string): string {
    return `${this.prefix}{${encodeURIComponent(this.application)}:${encodeURIComponent(streamName)}}`;
  }

  shard(streamName: string, shardId: string): string {
    return `${this.stream(streamName)}:shard:${shardId}`;
  }

  shardIndex(streamName: string): string {
    return `${this.stream(streamName)}:shards`;
  }

  workers(streamName: string): string {
    return `${this.stream(streamName)}:workers`;
  }

  workerCaps(streamName: string): string {
    return `${this.stream(streamName)}:workercaps`;
  }
}
