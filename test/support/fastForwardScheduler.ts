// A scheduler on real time that a test can move ahead: timers fire when their time comes, on the
// real clock or because the test advanced the clock past them. Lets an integration test against
// a real server show a long timeout (e.g. 35 s) in a second, with everything else running live.
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

interface Timer {
  readonly dueAt: number;
  readonly fire: () => void;
  handle: NodeJS.Timeout | undefined;
}

export class FastForwardScheduler implements SchedulerLike {
  private offset = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return Date.now() + this.offset;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new FastForwardAction(this, work).schedule(state, delay);
  }

  /** Moves the clock `ms` ahead in `steps`, letting real I/O answer between steps. */
  async advance(ms: number, steps = Math.max(1, Math.ceil(ms / 250))): Promise<void> {
    for (let i = 0; i < steps; i += 1) {
      this.offset += ms / steps;
      this.fireDue();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Moves the clock `ms` ahead without firing the timers that came due: they fire late (at their
   * real time, or at the next advance()), as on an event loop that stalled while I/O went on.
   */
  stall(ms: number): void {
    this.offset += ms;
  }

  /** @internal */
  arm(dueAt: number, fire: () => void): Timer {
    const timer: Timer = { dueAt, fire, handle: undefined };
    timer.handle = setTimeout(() => this.run(timer), Math.max(0, dueAt - this.now()));
    this.timers.add(timer);
    return timer;
  }

  /** @internal */
  disarm(timer: Timer): void {
    clearTimeout(timer.handle);
    this.timers.delete(timer);
  }

  private run(timer: Timer): void {
    if (!this.timers.has(timer)) return;
    // The real timer may fire before the offset clock says so (never after): re-arm if early.
    const early = timer.dueAt - this.now();
    if (early > 0) {
      timer.handle = setTimeout(() => this.run(timer), early);
      return;
    }
    this.timers.delete(timer);
    timer.fire();
  }

  private fireDue(): void {
    const due = [...this.timers]
      .filter((timer) => timer.dueAt <= this.now())
      .sort((a, b) => a.dueAt - b.dueAt);
    for (const timer of due) {
      if (!this.timers.has(timer)) continue;
      clearTimeout(timer.handle);
      this.timers.delete(timer);
      timer.fire();
    }
  }
}

class FastForwardAction<T> extends Subscription implements SchedulerAction<T> {
  private timer: Timer | undefined;

  constructor(
    private readonly scheduler: FastForwardScheduler,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super(() => this.cancel());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.cancel();
    this.timer = this.scheduler.arm(this.scheduler.now() + delay, () => {
      this.timer = undefined;
      this.work.call(this, state);
      if (this.timer === undefined) this.unsubscribe();
    });
    return this;
  }

  private cancel(): void {
    if (this.timer !== undefined) this.scheduler.disarm(this.timer);
    this.timer = undefined;
  }
}
