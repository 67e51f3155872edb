// A scheduler for a producer under test: asyncScheduler's real time, plus a count of the actions
// it was given that have neither run nor been cancelled (the producer's timers still pending).
import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

export class CountingScheduler implements SchedulerLike {
  private readonly pending = new Set<object>();
  /** Delays of the actions that ran, in the order they ran. */
  readonly ran: number[] = [];

  now(): number {
    return asyncScheduler.now();
  }

  /** Timers scheduled and still pending. */
  get live(): number {
    return this.pending.size;
  }

  schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay = 0, state?: S): Subscription {
    const token = {};
    this.pending.add(token);
    const { pending, ran } = this;
    const subscription = asyncScheduler.schedule<S>(
      function (this: SchedulerAction<S>, value?: S) {
        pending.delete(token);
        ran.push(delay);
        work.call(this, value);
      },
      delay,
      state as S,
    );
    subscription.add(() => pending.delete(token));
    return subscription;
  }
}
