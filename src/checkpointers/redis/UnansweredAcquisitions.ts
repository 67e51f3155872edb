import { RedisUnavailableError } from './errors/RedisUnavailableError.js';

/**
 * Most tokens kept: far more shards than one worker acquires in a lease period, so that only a
 * token of a shard long left behind is forgotten.
 */
export const MAX_KEPT = 1_024;

/** Which acquisition: of which shard, by which owner, with which token. */
export interface Acquisition {
  readonly streamName: string;
  readonly shardId: string;
  readonly owner: string;
  readonly token: string;
}

/**
 * The tokens of lease acquisitions that ended without an answer (Redis paused, or the connection
 * lost, past `callTimeout`). The script may have run all the same, or run later: a paused Redis
 * runs the commands it received once it resumes, though the caller gave up. The lease is then held
 * under a token nobody was given, and every acquisition by its owner is refused until it runs out,
 * a whole session with the shard unread. The next acquisition of that shard by the same owner
 * sends the same token instead, which the script answers with that lease (as it answers a retry
 * within one call). A token is lent to one call at a time, so no two calls can both get the lease.
 * At most MAX_KEPT tokens are kept, the oldest forgotten first: one of a shard its owner no longer
 * asks for (another worker took it, it was trimmed) would otherwise stay for good.
 */
export class UnansweredAcquisitions {
  private readonly tokens = new Map<string, string>();

  /** The token of an unanswered acquisition of this shard by this owner, taken out (lent). */
  take(streamName: string, shardId: string, owner: string): string | undefined {
    const key = keyOf(streamName, shardId, owner);
    const token = this.tokens.get(key);
    this.tokens.delete(key);
    return token;
  }

  /** `call`, made for `acquisition`; when it gets no answer, the token is kept for the next one. */
  watch<T>(acquisition: Acquisition, call: Promise<T>): Promise<T> {
    return call.catch((error: unknown) => {
      if (error instanceof RedisUnavailableError) {
        const key = keyOf(acquisition.streamName, acquisition.shardId, acquisition.owner);
        // Set anew, a key goes last in the forgetting order.
        this.tokens.delete(key);
        this.tokens.set(key, acquisition.token);
        if (this.tokens.size > MAX_KEPT) this.tokens.delete(this.tokens.keys().next().value!);
      }
      throw error;
    });
  }
}

function keyOf(streamName: string, shardId: string, owner: string): string {
  return JSON.stringify([streamName, shardId, owner]);
}
