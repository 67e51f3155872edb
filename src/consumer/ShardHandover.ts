import { HandoffWait, type Drainable, type HandoffLimit } from './HandoffWait.js';
import type { ShardReadingHost } from './ShardReadingHost.js';

/** What a ShardHandover needs of the reading that hands its shard over. */
export interface HandingOver extends Drainable {
  readonly shardId: string;
  /** True while the reading is handing over (its state). */
  readonly releasing: boolean;
  /** True while the reading is handing over and still holds the lease it was started with. */
  readonly handingOver: boolean;
}

/**
 * A reading's handover of its shard (or giving it up): who gets the shard, and the wait for the
 * records in flight. The lease is never released with records in flight: at each
 * `drainTimeoutMs` without a drain, and at the latest by `limit.withdrawBy` (before the
 * request's deadline, from which the requester may take the lease over), it reports
 * handoff-timeout, withdraws the request (so the requester does not take the shard over
 * mid-record) and keeps waiting, the lease renewed as usual. A request seen again while handing
 * over (or a new one) only brings in its requester and its limit (`update`).
 */
export class ShardHandover {
  private asked: string | undefined;
  private readonly wait: HandoffWait;

  constructor(
    private readonly reading: HandingOver,
    private readonly host: Pick<ShardReadingHost, 'now' | 'timer' | 'onEvent' | 'withdrawHandoff'>,
    requester: string | undefined,
    drainTimeoutMs: number,
    limit: HandoffLimit | undefined,
  ) {
    this.asked = requester;
    this.wait = new HandoffWait(reading, host, drainTimeoutMs, () => reading.releasing);
    if (limit !== undefined) this.wait.limit(limit);
  }

  /** The worker the lease is to be reserved for (undefined: given up to anyone). */
  get requester(): string | undefined {
    return this.asked;
  }

  /** The request seen again, or a new one, while handing over. */
  update(requester: string | undefined, limit: HandoffLimit | undefined): void {
    if (requester !== undefined) this.asked = requester;
    if (limit !== undefined) this.wait.limit(limit);
  }

  /**
   * Waits until no record is in flight, withdrawing the request at the end of every period
   * without a drain. Resolves true once drained, false as soon as the reading stopped handing
   * over (lost its lease, stopped).
   */
  async drained(): Promise<boolean> {
    while (!(await this.wait.period())) {
      if (!this.reading.handingOver) return false;
      const inFlight = this.reading.progress.size;
      const asked = this.asked;
      const { shardId } = this.reading;
      this.host.onEvent({ type: 'handoff-timeout', shardId, requester: asked, inFlight });
      this.wait.withdrawing();
      if (asked !== undefined) await this.host.withdrawHandoff(shardId, asked);
    }
    return this.reading.handingOver;
  }
}
