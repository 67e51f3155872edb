// The embedded local Kinesis's rate windows, frozen on demand: with DescribeStreamSummary limited
// to a call a second, a budget used up while the clock stands still stays used up until thawed.
// Give `clock` to startTestKinesis({ clock, limits }) and `useUp()`/`thaw()` around the calls that
// must be throttled.
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export class FrozenDescribeBudget {
  private frozenAt: number | undefined;
  private skew = 0;

  /** The server's clock: frozen while the budget is held used up. */
  readonly clock = (): number => this.frozenAt ?? Date.now() + this.skew;

  /** Freezes the rate windows and spends the DescribeStreamSummary budget of this second. */
  async useUp(admin: KinesisClient, streamName: string): Promise<void> {
    this.frozenAt = this.clock();
    for (let i = 0; i < 5; i += 1) {
      try {
        await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      } catch (error) {
        if ((error as Error).name === 'LimitExceededException') return;
        throw error;
      }
    }
    throw new Error('the DescribeStreamSummary budget was not used up');
  }

  /** Lets the rate windows move again, a second on from where they stood. */
  thaw(): void {
    if (this.frozenAt === undefined) return;
    this.skew = this.frozenAt + 1000 - Date.now();
    this.frozenAt = undefined;
  }
}
