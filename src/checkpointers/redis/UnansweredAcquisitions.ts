import { RedisUnavailableError } from './errors/RedisUnavailableError.js';

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
      if (error instanceof RedisUnavailableError)
        this.tokens.set(
          keyOf(acquisition.streamName, acquisition.shardId, acquisition.owner),
          acquisition.token,
        );
      throw error;
    });
  }
}

function keyOf(streamName: string, shardId: string, owner: string): string {
  return JSON.stringify([streamName, shardId, owner]);
}
