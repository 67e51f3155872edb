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
    private readonly onSettled: (
      streamName: string,
      dropBudgets: boolean,
      status: string | undefined,
    ) => void,
  ) {}

  /**
   * Calls onSettled(streamName, dropBudgets, status) once the stream has settled (or at once if
   * closing). `status`: the stream's status then (undefined once it is gone, or if it could not
   * be read).
   */
  watch(streamName: string, dropBudgets: boolean): void {
    const settle = (async () => {
      let status: string | undefined;
      while (!this.closing) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
        status = await this.admin
          .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
          .then((summary) => summary.StreamDescriptionSummary?.StreamStatus)
          .catch(() => undefined);
        if (status !== 'CREATING' && status !== 'UPDATING' && status !== 'DELETING') break;
      }
      this.onSettled(streamName, dropBudgets, status);
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
