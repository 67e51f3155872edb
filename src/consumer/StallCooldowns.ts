/** Heartbeats during which a worker leaves a shard it gave up (stalled reads) to other workers. */
export const STALL_COOLDOWN_HEARTBEATS = 3;

/**
 * Shards given up after stalled reads, each left to other workers for `cooldownMs` (a few
 * heartbeats), on the consumer's clock (`now`: the scheduler's, the wall clock by default). A
 * clock set back during a cooldown restarts it from the time it went back, so it lasts neither
 * as long as the clock went back nor ends at once.
 */
export class StallCooldowns {
  /** Until when each shard is left to others. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly cooldownMs: number,
  ) {}

  mark(shardId: string): void {
    this.until.set(shardId, this.now() + this.cooldownMs);
  }

  has(shardId: string): boolean {
    const until = this.until.get(shardId);
    if (until === undefined) return false;
    const now = this.now();
    const left = until - now;
    if (left <= 0) {
      this.until.delete(shardId);
      return false;
    }
    // More left than a whole cooldown: the clock went back; one cooldown from now.
    if (left > this.cooldownMs) this.until.set(shardId, now + this.cooldownMs);
    return true;
  }
}
