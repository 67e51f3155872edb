import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { limitExceeded, localAccountId, type AwsErrorAnswer } from './awsErrors.js';

/**
 * What a CreateStream checked against the limit goes on with: its refusal, or a release given
 * the backing store's answer (the next creation is checked once it has come).
 */
export type CreatingStreamClaim =
  | { readonly refusal: AwsErrorAnswer }
  | { readonly release: (answer: Promise<{ readonly status: number }>) => void };

/** What a stream's status was found to be: CREATING, another, or not known (no answer). */
type Found = 'creating' | 'other' | 'missing' | 'unknown';

/**
 * The account's limit on streams CREATING at once (five on AWS): a CreateStream while that many
 * are CREATING is refused with LimitExceededException. Only the streams created since they were
 * last seen past CREATING are asked about (through the front, or noted by the local helpers), so
 * a check costs a few calls to the backing store however many streams it holds. Creations are
 * checked one at a time, each after the one before it was answered (so concurrent calls cannot
 * all pass). A CreateStream naming a stream that exists is left to the backing store, which
 * refuses it as in use.
 */
export class CreatingStreamLimit {
  private turn: Promise<void> = Promise.resolve();
  /** Streams created and not yet seen ACTIVE (or gone). */
  private readonly created = new Set<string>();

  constructor(
    private readonly admin: KinesisClient,
    private readonly limit: number,
  ) {}

  /** Notes a stream created without a claim (the local helpers): it counts while CREATING. */
  noteCreated(streamName: string): void {
    this.created.add(streamName);
  }

  /** Stops counting a stream seen past CREATING. */
  settled(streamName: string): void {
    this.created.delete(streamName);
  }

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
    if (creating < this.limit) {
      return {
        release: (answer) => {
          void answer
            .then((answered) => {
              if (answered.status === 200) this.created.add(streamName);
            })
            .catch(() => undefined)
            .finally(release);
        },
      };
    }
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
    if (!this.created.has(streamName)) {
      const found = await this.find(streamName);
      if (found !== 'missing' && found !== 'unknown') return 0;
    }
    let creating = 0;
    for (const name of [...this.created]) {
      const found = await this.find(name);
      if (name === streamName && found !== 'missing' && found !== 'unknown') return 0;
      if (found === 'creating') creating += 1;
      else if (found !== 'unknown') this.created.delete(name);
    }
    return creating;
  }

  private find(streamName: string): Promise<Found> {
    return this.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
      (summary) => (summary.StreamDescriptionSummary?.StreamStatus === 'CREATING' ? 'creating' : 'other'),
      (error: unknown) =>
        (error as { name?: unknown } | null)?.name === 'ResourceNotFoundException' ? 'missing' : 'unknown',
    );
  }
}
