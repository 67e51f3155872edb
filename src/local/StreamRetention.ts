import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, invalidArgument, type AwsErrorAnswer } from './awsErrors.js';
import { notActiveRefusal } from './UpdatingWindows.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/** The longest retention kinesalite accepts (the AWS limit of its time). */
const STORE_MAX_HOURS = 168;
/** The longest retention AWS accepts (365 days). */
export const MAX_RETENTION_HOURS = 8760;

/** What to do with a retention change: answer it here, or pass `forward` on (then call `onSuccess` if it succeeds). */
export type RetentionStep =
  { readonly answer: UpstreamAnswer } | { readonly forward: JsonObject; readonly onSuccess?: () => void };

/**
 * Retention periods past kinesalite's 168 hours, up to AWS's 8,760: the backing store keeps
 * 168 and the front the period asked for, which DescribeStream(Summary) then report. Changes
 * within 168 hours are the store's alone.
 */
export class StreamRetention {
  private readonly longer = new Map<string, number>();

  constructor(private readonly admin: KinesisClient) {}

  /** The period of a stream kept past 168 hours, else undefined. */
  hoursOf(streamName: string): number | undefined {
    return this.longer.get(streamName);
  }

  /** Forgets a stream deleted or created anew. */
  forget(streamName: string): void {
    this.longer.delete(streamName);
  }

  /**
   * The ResourceInUseException of a change (its hours within the model) to a stream that exists
   * and is not ACTIVE (`busy`: UPDATING through the front), as AWS refuses it; undefined
   * otherwise (the backing store answers the rest). kinesalite changed a DELETING stream's.
   */
  async notActive(
    payload: JsonObject,
    busy: (streamName: string) => boolean,
  ): Promise<AwsErrorAnswer | undefined> {
    const { StreamName: streamName, RetentionPeriodHours: hours } = payload;
    if (typeof streamName !== 'string' || typeof hours !== 'number' || hours < 1) return undefined;
    const refusal = await notActiveRefusal(this.admin, streamName, () => busy(streamName));
    return refusal?.type === 'ResourceInUseException' ? refusal : undefined;
  }

  async change(
    operation: 'IncreaseStreamRetentionPeriod' | 'DecreaseStreamRetentionPeriod',
    payload: JsonObject,
  ): Promise<RetentionStep> {
    const { StreamName: streamName, RetentionPeriodHours: hours } = payload;
    if (typeof streamName !== 'string' || typeof hours !== 'number' || !Number.isInteger(hours)) {
      return { forward: payload };
    }
    const current = this.longer.get(streamName);
    const done = (): RetentionStep => {
      this.longer.set(streamName, hours);
      return { answer: jsonAnswer(200, {}) };
    };
    if (operation === 'IncreaseStreamRetentionPeriod') {
      if (hours > MAX_RETENTION_HOURS) {
        return {
          answer: errorAnswer(
            invalidArgument(
              `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. ` +
                `Requested retention period (${hours} hours) is too long.`,
            ),
          ),
        };
      }
      if (current !== undefined) {
        return hours < current ? { answer: errorAnswer(shorter(streamName, hours, current)) } : done();
      }
      if (hours <= STORE_MAX_HOURS) return { forward: payload };
      return {
        forward: { ...payload, RetentionPeriodHours: STORE_MAX_HOURS },
        onSuccess: () => this.longer.set(streamName, hours),
      };
    }
    if (current !== undefined) {
      if (hours > current) return { answer: errorAnswer(longer(streamName, hours, current)) };
      if (hours > STORE_MAX_HOURS) return done();
      return { forward: payload, onSuccess: () => this.longer.delete(streamName) };
    }
    if (hours <= STORE_MAX_HOURS) return { forward: payload };
    try {
      const summary = await this.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      const stored = summary.StreamDescriptionSummary?.RetentionPeriodHours ?? 24;
      return { answer: errorAnswer(longer(streamName, hours, stored)) };
    } catch (error) {
      return { answer: errorAnswer(answerOfSdkError(error)) };
    }
  }
}

function shorter(streamName: string, hours: number, current: number): ReturnType<typeof invalidArgument> {
  return invalidArgument(
    `Requested retention period (${hours} hours) for stream ${streamName} can not be shorter than ` +
      `existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
  );
}

function longer(streamName: string, hours: number, current: number): ReturnType<typeof invalidArgument> {
  return invalidArgument(
    `Requested retention period (${hours} hours) for stream ${streamName} can not be longer than ` +
      `existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
  );
}
