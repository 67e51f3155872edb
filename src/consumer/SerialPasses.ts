/**
 * Runs an async pass one at a time: a trigger while a pass is under way asks for exactly one more
 * pass after it (however many triggers came), and no pass starts once `active()` is false.
 */
export class SerialPasses {
  private passing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly active: () => boolean,
  ) {}

  trigger(): void {
    if (!this.active()) return;
    if (this.passing !== undefined) {
      this.again = true;
      return;
    }
    this.passing = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && this.active());
      } finally {
        this.passing = undefined;
      }
    })();
  }

  /** Resolves once the pass under way (if any) has ended; rejects as it does. */
  settled(): Promise<void> {
    return this.passing ?? Promise.resolve();
  }
}
