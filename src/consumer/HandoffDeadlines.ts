import type { LeaseSnapshot } from '../checkpointers/LeaseCoordinator.js';

/** A handoff request pending on a lease, as this worker's balancing passes saw it. */
export interface PendingHandoff {
  readonly requester: string;
  /** The request's deadline as the lease snapshot shows it; with the requester, it names the request. */
  readonly deadline: number;
  /**
   * Scheduler time (this process's clock) before which the request's deadline cannot have
   * passed, read conservatively: from then on the requester may take the lease over.
   */
  readonly localDeadline: number;
}

/**
 * The handoff requests of the latest lease snapshot, with their deadlines on this process's
 * clock. A snapshot's times are on the coordinator's clock (Redis: the server's TIME; DynamoDB:
 * the reading process's own clock, a request counting from when that process first saw it, so
 * its requester, which counts from when it wrote it, may see the deadline up to a balancing pass
 * earlier). Neither the clocks' offset nor the time a call took is known, so a request's local
 * deadline is the earlier of two bounds that never come out late:
 *
 * - the snapshot's own figure, counted from when its read was sent (the coordinator read its
 *   clock after that): `sentAt + (deadline - snapshot.now)`;
 * - a request the previous snapshot did not show was made after that snapshot's read was sent:
 *   `previous sentAt + handoffTimeoutMs` (for DynamoDB, this is the bound that holds).
 *
 * Neither needs the clocks to agree. Bounded: one entry per shard of the latest snapshot.
 */
export class HandoffDeadlines {
  private requests = new Map<string, PendingHandoff & { readonly since: number | undefined }>();
  private lastSentAt: number | undefined;

  constructor(private readonly handoffTimeoutMs: number) {}

  /** Takes in a snapshot whose read was sent at `sentAt` (scheduler time). */
  observe(snapshot: LeaseSnapshot, sentAt: number): void {
    const next = new Map<string, PendingHandoff & { readonly since: number | undefined }>();
    for (const { shardId, handoff } of snapshot.leases) {
      if (handoff === undefined) continue;
      const { requester, deadline } = handoff;
      const known = this.requests.get(shardId);
      // When the request was made at the earliest: after the last snapshot read without it.
      const since =
        known !== undefined && known.requester === requester && known.deadline === deadline
          ? known.since
          : this.lastSentAt;
      const fromSnapshot = sentAt + (deadline - snapshot.now);
      const localDeadline =
        since === undefined ? fromSnapshot : Math.min(fromSnapshot, since + this.handoffTimeoutMs);
      next.set(shardId, { requester, deadline, localDeadline, since });
    }
    this.requests = next;
    this.lastSentAt = sentAt;
  }

  /** The request pending on `shardId` in the latest snapshot, if any. */
  of(shardId: string): PendingHandoff | undefined {
    const request = this.requests.get(shardId);
    return request === undefined
      ? undefined
      : { requester: request.requester, deadline: request.deadline, localDeadline: request.localDeadline };
  }
}
