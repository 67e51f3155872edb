/**
 * Time passed since it was made, as a clock (the scheduler's now(), the wall clock) reads it,
 * counting no time where the clock went back: a wall clock set back does not lengthen a wait
 * measured with it. The time between the reading before such a step and the step itself is not
 * counted either, so read it at least as often as the wait's own steps.
 */
export class Stopwatch {
  private last: number;
  private total = 0;

  constructor(private readonly now: () => number) {
    this.last = now();
  }

  /** The time passed so far, never less than at the previous call. */
  elapsed(): number {
    const now = this.now();
    this.total += Math.max(0, now - this.last);
    this.last = now;
    return this.total;
  }
}
