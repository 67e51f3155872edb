import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

const SETTLE_POLL_MS = 10;

/**
 * Waits, polling the backing store, for a stream to be no longer CREATING, UPDATING or DELETING
 * (a change lands only after the status delay), then tells `onSettled`.
 */
export class StreamSettleWatcher {
  private readonly settling = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly admin: KinesisClient,
    private readonly onSettled: (streamName: string, dropBudgets: boolean) => void,
  ) {}

  /**
   * Calls onSettled(streamName, dropBudgets) once the stream has settled (or at once if
   * closing), after `then` (work that must wait for the settled stream) has run.
   */
  watch(streamName: string, dropBudgets: boolean, then?: () => Promise<void>): void {
    const settle = (async () => {
      while (!this.closing) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
        const status = await this.admin
          .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
          .then((summary) => summary.StreamDescriptionSummary?.StreamStatus)
          .catch(() => undefined);
        if (status !== 'CREATING' && status !== 'UPDATING' && status !== 'DELETING') break;
      }
      await then?.().catch(() => undefined);
      this.onSettled(streamName, dropBudgets);
    })();
    this.settling.add(settle);
    void settle.finally(() => this.settling.delete(settle));
  }

  /** Stops polling; resolves when every watch under way has ended. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.settling]);
  }
}
