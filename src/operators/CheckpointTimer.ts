import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../consumer/KinesisRecord.js';
import type { LedgerLink } from '../consumer/RecordTracking.js';

/**
 * checkpoint()'s `intervalMs` timer for one subscription. It runs on the scheduler given to
 * checkpoint(), started at once; given none, on that of the consumer met first (its ledger's, else
 * its first record's, else asyncScheduler), started when it is met: a fromKinesis() with a
 * `scheduler` times its checkpoints on it. Started once; after stop() it never starts again.
 */
export class CheckpointTimer {
  private timer: Subscription | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly given: SchedulerLike | undefined,
    private readonly tick: () => void,
  ) {
    if (given !== undefined) this.start(given);
  }

  /** A consumer's ledger (and record) reached the operator: its scheduler times a checkpoint() given none. */
  met(ledger: LedgerLink, record?: KinesisRecord): void {
    if (this.given !== undefined || this.timer !== undefined) return;
    this.start(ledger.scheduler ?? record?.[CONSUMER_CONTEXT]?.scheduler ?? asyncScheduler);
  }

  /** The subscription ended: cancels the timer for good. */
  stop(): void {
    this.stopped = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  private start(scheduler: SchedulerLike): void {
    if (this.timer !== undefined || this.stopped || this.intervalMs <= 0) return;
    const period = this.intervalMs;
    const tick = this.tick;
    this.timer = scheduler.schedule(function (this: SchedulerAction<undefined>) {
      tick();
      this.schedule(undefined, period);
    }, period);
  }
}
