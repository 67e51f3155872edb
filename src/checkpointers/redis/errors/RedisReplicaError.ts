import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * The Redis server the checkpointer's URL names (or the client it was given reaches, no Cluster)
 * is a replica: it refused a write (READONLY) and, asked (ROLE), said it is a replica (or
 * refused ROLE: an ACL without it, or renamed away; the READONLY alone counts then), it stayed
 * one for longer than `sessionTimeout`, and no write ever went through it from this checkpointer.
 * A server that took writes before is going through a failover, however long it takes, and is
 * only retried. Not retriable: point the checkpointer at the primary (or at a name that follows
 * failovers). `address` is `host:port`, without the URL's user info (for a given client, the
 * peer its connection reaches).
 */
export class RedisReplicaError extends RxjsKinesisError {
  readonly operation: string;
  /** `host:port` of the Redis server. */
  readonly address: string;
  /** How long the server has been seen a replica, in ms. */
  readonly replicaForMs: number;

  constructor(
    operation: string,
    address: string,
    replicaForMs: number,
    context: ErrorContext = {},
    /** ROLE was refused (NOPERM) or renamed away: READONLY alone told the server a replica. */
    roleRefused = false,
  ) {
    const evidence = roleRefused
      ? 'READONLY; ROLE could not be asked: refused or renamed away'
      : 'READONLY, and ROLE says so';
    super(
      `Redis at ${address} is a read-only replica (${evidence}) and stayed one for ` +
        `${replicaForMs} ms (sessionTimeout), and no write ever went through it: ${operation} cannot ` +
        'write there; point the checkpointer at the primary',
      { retriable: false, context },
    );
    this.operation = operation;
    this.address = address;
    this.replicaForMs = replicaForMs;
  }
}
