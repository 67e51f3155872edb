import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import { isError } from '../../errors/redact.js';
import { RedisReplicaError } from './errors/RedisReplicaError.js';
import { redisReplyMessage } from './redisReplyMessage.js';
import { ReplicaWatch } from './ReplicaWatch.js';

/** Sends ROLE to the server that answered READONLY (on the same connection). */
export type AskRole = () => Promise<unknown>;

/**
 * What a READONLY reply means, for a connection opened from a URL and for a client of the user's
 * alike: after it the server is asked its ROLE (see ReplicaWatch). A server that stayed a replica
 * for `sessionTimeout` and never took a write from this checkpointer is a misconfiguration
 * (RedisReplicaError, not retriable); one seen a primary before is going through a failover, and
 * its READONLY is retried, explained: since when it has answered as a replica, and to point the
 * checkpointer at the current primary if the failover is over.
 */
export class ReplicaCheck {
  private readonly watch: ReplicaWatch;

  constructor(boundMs: number, now: () => number) {
    this.watch = new ReplicaWatch(boundMs, now);
  }

  /** A write went through (a heartbeat always writes): the server is a primary (again). */
  wrote(): void {
    this.watch.wrote();
  }

  /**
   * The error to fail an attempt with after the READONLY reply `error` from the server at
   * `address`, once ROLE was asked with `askRole`: RedisReplicaError, or a retriable Error saying
   * since when the server has answered as a replica (its cause `error`; a failover, or for a
   * server never seen a primary, a configuration to correct), or `error` itself when ROLE says
   * the server is a primary now or could not be asked for a lost connection.
   */
  async explain(
    error: Error,
    askRole: AskRole,
    address: string,
    operation: string,
    context: ErrorContext,
  ): Promise<Error> {
    let roleRefused = false;
    const role: unknown = await askRole().then(
      (reply) => (Array.isArray(reply) ? (reply as unknown[])[0] : undefined),
      // ROLE refused (an ACL without it) or renamed away: READONLY alone says it is a replica.
      (failure: unknown) => {
        roleRefused = isCommandRefused(failure);
        return roleRefused ? 'replica' : undefined;
      },
    );
    const replicaForMs = this.watch.sawRole(role);
    if (replicaForMs !== undefined)
      return new RedisReplicaError(operation, address, replicaForMs, context, roleRefused);
    const since = this.watch.since;
    if (since === undefined || (role !== 'slave' && role !== 'replica')) return error;
    const spell = `Redis at ${address} has answered as a replica (READONLY) since ${new Date(since).toISOString()}`;
    // Never a primary to this checkpointer: no failover of its own to wait for (RedisReplicaError
    // once the spell lasts boundMs).
    if (!this.watch.wasPrimary)
      return new Error(
        `${spell} and has not taken a write from this checkpointer: point the checkpointer at the ` +
          'primary (a server that stays a replica fails the calls with RedisReplicaError)',
        { cause: error },
      );
    return new Error(
      `${spell}: a failover may still be under way; once it is over, point the checkpointer at the ` +
        'current primary',
      { cause: error },
    );
  }
}

/**
 * A READONLY reply, also from a script on Redis up to 6.2: the connection reaches a replica (a
 * failover demoted its server).
 */
export function isReadOnlyReply(error: unknown): error is Error {
  return redisReplyMessage(error)?.startsWith('READONLY ') === true;
}

/** The server refused a command it does not know or the user may not run (not a lost connection). */
function isCommandRefused(error: unknown): boolean {
  return (
    isError(error) &&
    error.name === 'ReplyError' &&
    (error.message.startsWith('NOPERM') || error.message.startsWith('ERR unknown command'))
  );
}
