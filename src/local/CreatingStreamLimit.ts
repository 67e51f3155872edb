import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { limitExceeded, localAccountId, type AwsErrorAnswer } from './awsErrors.js';
import { listStreamNames } from './upstreamShards.js';

/** What a CreateStream checked against the limit goes on with: its refusal, or a release. */
export type CreatingStreamClaim = { readonly refusal: AwsErrorAnswer } | { readonly release: () => void };

/**
 * The account's limit on streams CREATING at once (five on AWS): a CreateStream while that many
 * are CREATING is refused with LimitExceededException. Streams are counted as the backing store
 * reports them. Creations are checked one at a time, each after the one before it was answered
 * (so concurrent calls cannot all pass). A CreateStream naming a stream that exists is left to
 * the backing store, which refuses it as in use.
 */
export class CreatingStreamLimit {
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly admin: KinesisClient,
    private readonly limit: number,
  ) {}

  /** Checks a CreateStream of `streamName`; a claim passed must be released once it is answered. */
  async claim(streamName: string): Promise<CreatingStreamClaim> {
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise((resolve) => (release = resolve));
    await previous;
    let creating: number;
    try {
      creating = await this.creatingCount(streamName);
    } catch (error) {
      release();
      throw error;
    }
    if (creating < this.limit) return { release };
    release();
    return {
      refusal: limitExceeded(
        `Account ${localAccountId()} already has ${this.limit} streams in CREATING status; ` +
          'wait until one is ACTIVE.',
      ),
    };
  }

  /** Streams CREATING in the backing store; 0 if `streamName` is one of its streams. */
  private async creatingCount(streamName: string): Promise<number> {
    let creating = 0;
    for (const name of await listStreamNames(this.admin)) {
      if (name === streamName) return 0;
      const status = await this.admin
        .send(new DescribeStreamSummaryCommand({ StreamName: name }))
        .then((summary) => summary.StreamDescriptionSummary?.StreamStatus)
        .catch(() => undefined);
      if (status === 'CREATING') creating += 1;
    }
    return creating;
  }
}
