import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, resourceInUse, validationError } from './awsErrors.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/** The shard-level metrics of Kinesis, in the order AWS lists them. */
export const SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const;

/**
 * EnableEnhancedMonitoring and DisableEnhancedMonitoring, which kinesalite lacks: the front
 * keeps each stream's shard-level metrics (nothing is measured) and DescribeStream(Summary)
 * report them.
 */
export class EnhancedMonitoring {
  private readonly metrics = new Map<string, readonly string[]>();

  constructor(private readonly admin: KinesisClient) {}

  /** The shard-level metrics enabled on a stream. */
  metricsOf(streamName: string): readonly string[] {
    return this.metrics.get(streamName) ?? [];
  }

  /** Forgets a stream deleted or created anew. */
  forget(streamName: string): void {
    this.metrics.delete(streamName);
  }

  /** Enable- or DisableEnhancedMonitoring, with the stream named by StreamName. */
  async change(enable: boolean, payload: JsonObject): Promise<UpstreamAnswer> {
    const streamName = payload.StreamName;
    const asked = payload.ShardLevelMetrics;
    if (typeof streamName !== 'string') {
      return errorAnswer(
        validationError(
          "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
        ),
      );
    }
    const known = new Set<string>([...SHARD_LEVEL_METRICS, 'ALL']);
    if (
      !Array.isArray(asked) ||
      asked.length < 1 ||
      asked.length > SHARD_LEVEL_METRICS.length ||
      !asked.every((name) => typeof name === 'string' && known.has(name))
    ) {
      return errorAnswer(
        validationError(
          `1 validation error detected: Value '${JSON.stringify(asked ?? null)}' at 'shardLevelMetrics' failed ` +
            `to satisfy constraint: Member must have length between 1 and ${SHARD_LEVEL_METRICS.length}, ` +
            `each one of [${[...known].join(', ')}]`,
        ),
      );
    }
    let streamArn: string | undefined;
    try {
      const summary = await this.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      const status = summary.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN';
      if (status !== 'ACTIVE') return errorAnswer(resourceInUse(streamName, status));
      streamArn = summary.StreamDescriptionSummary?.StreamARN;
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
    const named = new Set<string>(
      (asked as string[]).includes('ALL') ? SHARD_LEVEL_METRICS : (asked as string[]),
    );
    const current = this.metricsOf(streamName);
    const desired = SHARD_LEVEL_METRICS.filter((name) =>
      enable ? current.includes(name) || named.has(name) : current.includes(name) && !named.has(name),
    );
    if (desired.length === 0) this.metrics.delete(streamName);
    else this.metrics.set(streamName, desired);
    return jsonAnswer(200, {
      StreamName: streamName,
      CurrentShardLevelMetrics: current,
      DesiredShardLevelMetrics: desired,
      ...(streamArn === undefined ? {} : { StreamARN: streamArn }),
    });
  }
}
