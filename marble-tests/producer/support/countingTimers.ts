// A producer's view of a test scheduler that counts the producer's timers not yet run nor
// cancelled, so a test can tell that nothing of the producer is left.
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

export class CountingTimers implements SchedulerLike {
  private readonly pending = new Set<object>();

  constructor(private readonly inner: SchedulerLike) {}

  /** Timers scheduled and still pending. */
  get live(): number {
    return this.pending.size;
  }

  now(): number {
    return this.inner.now();
  }

  schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay = 0, state?: S): Subscription {
    const token = {};
    const { pending } = this;
    pending.add(token);
    const subscription = this.inner.schedule<S>(
      function (this: SchedulerAction<S>, value?: S) {
        pending.delete(token);
        work.call(this, value);
      },
      delay,
      state as S,
    );
    subscription.add(() => pending.delete(token));
    return subscription;
  }
}
