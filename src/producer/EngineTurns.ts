/**
 * The engine's turns: work run from a callback (an answer, a timer, a checksum), nested when that
 * work leads to more. An unexpected throw is handed to `failed`, never lost. Work put off with
 * `afterTurn` runs once the outermost turn is over: the engine disposed from inside a turn (a
 * report's subscriber that unsubscribes or aborts) publishes its last metrics only after the rest
 * of that turn (the answer's other items counted out of the queue) is done.
 */
export class EngineTurns {
  private depth = 0;
  private deferred: (() => void)[] = [];

  constructor(private readonly failed: (error: unknown) => void) {}

  run(work: () => void): void {
    this.depth += 1;
    try {
      work();
    } catch (error) {
      this.failed(error);
    } finally {
      this.depth -= 1;
      if (this.depth === 0 && this.deferred.length > 0) this.runDeferred();
    }
  }

  /** Runs `work` now outside a turn, else once the outermost turn is over. */
  afterTurn(work: () => void): void {
    if (this.depth === 0) work();
    else this.deferred.push(work);
  }

  private runDeferred(): void {
    const deferred = this.deferred;
    this.deferred = [];
    for (const work of deferred) work();
  }
}
