import { limitExceeded, localAccountId, type AwsErrorAnswer } from './awsErrors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When each stream was scaled by UpdateShardCount, for the AWS limit on scalings per stream in
 * any rolling 24 hours (ten by default): a scaling past it is refused with
 * LimitExceededException. Times are on the server's `clock`.
 */
export class ScalingHistory {
  private readonly scalings = new Map<string, number[]>();

  constructor(
    private readonly perDay: number,
    private readonly clock: () => number,
  ) {}

  /** The refusal of one more scaling of the stream now, if it has had its share. */
  refusal(streamName: string): AwsErrorAnswer | undefined {
    if (this.recent(streamName).length < this.perDay) return undefined;
    return limitExceeded(
      `UpdateShardCount failed for stream ${streamName} under account ${localAccountId()}. ` +
        `Cannot scale more than ${this.perDay} times in a rolling 24-hour period.`,
    );
  }

  /** Records a scaling of the stream now. */
  record(streamName: string): void {
    this.scalings.set(streamName, [...this.recent(streamName), this.clock()]);
  }

  /** Forgets a stream created or deleted (a stream of that name starts with none). */
  forgetStream(streamName: string): void {
    this.scalings.delete(streamName);
  }

  private recent(streamName: string): number[] {
    const since = this.clock() - DAY_MS;
    return (this.scalings.get(streamName) ?? []).filter((at) => at > since);
  }
}
