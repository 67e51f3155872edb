import type { ConsumerEvent } from './ConsumerEvent.js';

/**
 * The lease-unavailable events of one consumer's lease acquisitions. A lease refused while its
 * holder has our own worker id is held by another instance with the same id (or, briefly, by
 * our own lapsed lease): said once per shard, not at every attempt.
 */
export class LeaseUnavailableReports {
  /** Shards whose refusal because of a same-id holder was already reported. */
  readonly sameIdReported = new Set<string>();

  constructor(
    private readonly workerId: string,
    private readonly onEvent: (event: ConsumerEvent) => void,
  ) {}

  /** The shard's lease was refused; `holder`: its live owner, if known. */
  refused(shardId: string, holder: string | undefined): void {
    const sameId = holder !== undefined && holder === this.workerId;
    if (sameId && this.sameIdReported.has(shardId)) return;
    if (sameId) this.sameIdReported.add(shardId);
    else this.sameIdReported.delete(shardId);
    this.onEvent({
      type: 'lease-unavailable',
      shardId,
      reason: sameId ? 'same-worker-id' : 'held',
      ...(holder !== undefined ? { holder } : {}),
    });
  }

  /** The shard's lease was taken: a later refusal is said again. */
  acquired(shardId: string): void {
    this.sameIdReported.delete(shardId);
  }
}
