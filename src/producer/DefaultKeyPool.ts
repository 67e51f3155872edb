/** Keys kept per open shard. */
const KEYS_PER_SHARD = 16;
/** Draws allowed per key wanted before the pool makes do with what it has (small shards may get fewer). */
const DRAWS_PER_KEY = 8;

/**
 * Random partition keys whose shards are already known, for items keyed by default: a default
 * key then costs no MD5 per item, and the items go to the open shards in turn (evenly, whatever
 * the width of each shard's hash-key range) instead of by chance.
 *
 * Built for one shard map: `locate` gives the shard of a key under that map. Up to 16 keys per
 * shard are drawn; a shard whose hash-key range is so narrow that none of the draws landed in it
 * gets no default-keyed items.
 */
export class DefaultKeyPool {
  /** Per shard in rotation, its keys. */
  private readonly keys: string[][] = [];
  private readonly shards = new Map<string, string>();
  private turn = 0;

  constructor(shardIds: readonly string[], locate: (key: string) => string, draw: () => string) {
    const byShard = new Map<string, string[]>(shardIds.map((shardId) => [shardId, []]));
    let missing = shardIds.length * KEYS_PER_SHARD;
    for (let draws = missing * DRAWS_PER_KEY; draws > 0 && missing > 0; draws -= 1) {
      const key = draw();
      const shardId = locate(key);
      const list = byShard.get(shardId);
      if (list === undefined || list.length >= KEYS_PER_SHARD || this.shards.has(key)) continue;
      list.push(key);
      this.shards.set(key, shardId);
      missing -= 1;
    }
    for (const list of byShard.values()) if (list.length > 0) this.keys.push(list);
  }

  /** True when no shard got a key (the caller then draws keys itself). */
  get empty(): boolean {
    return this.keys.length === 0;
  }

  /** A key of the next shard in turn (each shard's keys are used in turn too). */
  take(): string {
    const { keys } = this;
    const count = keys.length;
    const turn = this.turn;
    this.turn = turn + 1 === Number.MAX_SAFE_INTEGER ? 0 : turn + 1;
    const list = keys[turn % count]!;
    return list[Math.floor(turn / count) % list.length]!;
  }

  /** The shard of a key this pool gave out, or undefined for any other key. */
  shardOf(key: string): string | undefined {
    return this.shards.get(key);
  }
}
