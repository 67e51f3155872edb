import type { ShardReading } from './ShardReading.js';
import type { SubscriberLedger } from './SubscriberLedger.js';

/**
 * The last subscriber of a run left while a checkpoint() of its pipeline was still open: take(n),
 * first() or takeUntil() placed before asynchronous work ended the subscription, and the records
 * already taken are still on their way to that checkpoint(). The run reads nothing more but keeps
 * those records tracked (and their leases) until every one of them was settled, or every such
 * checkpoint() was torn down, or a new run of the consumer is asked for (retry() or repeat()
 * before checkpoint() resubscribed it), or at the latest after `limitMs` (a pipeline that keeps
 * its checkpoint() open and never passes those records, e.g. catchError(() => NEVER), must not
 * hold the shards for ever); then `onEnd` runs and the run goes on stopping.
 */
export class PipelineDeparture {
  readonly done: Promise<void>;
  private resolve: () => void = () => undefined;
  private ended = false;
  private cancels: (() => void)[] = [];

  private cancelLimit: () => void = () => undefined;

  constructor(
    private readonly ledger: SubscriberLedger,
    private readonly readings: readonly ShardReading[],
    private readonly onEnd: () => void,
    private readonly limit: {
      readonly ms: number;
      readonly timer: (ms: number, callback: () => void) => () => void;
    },
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  start(): void {
    this.ledger.depart(() => this.end());
    this.check();
    if (!this.ended) this.cancelLimit = this.limit.timer(this.limit.ms, () => this.end());
  }

  /** Stops waiting: what the pipeline has not passed by now is not committed. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelLimit();
    this.cancel();
    this.onEnd();
    this.resolve();
  }

  /** Ends once no reading holds a record for the ledger; else looks again at the next settlement. */
  private readonly check = (): void => {
    if (this.ended) return;
    this.cancel();
    const pending = this.readings.filter((reading) => reading.holdsFor(this.ledger.id));
    if (pending.length === 0) {
      this.end();
      return;
    }
    for (const reading of pending) this.cancels.push(reading.whenSettled(this.check));
  };

  private cancel(): void {
    const cancels = this.cancels;
    this.cancels = [];
    for (const cancel of cancels) cancel();
  }
}
