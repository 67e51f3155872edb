import type { EncryptionFacts } from './StreamEncryption.js';
import type { StreamMode } from './StreamModes.js';
import { jsonAnswer, parseJsonObject, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/** Most shards one DescribeStream answer holds, whatever its Limit (AWS: 100). */
export const MAX_DESCRIBED_SHARDS = 100;

/** What the front knows of a stream that the backing store does not. */
export interface StreamFacts {
  readonly mode: StreamMode;
  readonly updating: boolean;
  readonly consumerCount: number;
  /** The retention period, when the front keeps it (past the backing store's 168 hours). */
  readonly retentionHours: number | undefined;
  /** The shard-level metrics enabled (enhanced monitoring). */
  readonly shardLevelMetrics: readonly string[];
  /** The stream's server-side encryption (StartStreamEncryption). */
  readonly encryption: EncryptionFacts;
  /** The largest record the stream was created to take (KiB; writes stay capped at 1 MiB). */
  readonly maxRecordSizeKiB: number;
}

/** What the front keeps of a stream's settings (a DELETING stream's as they were). */
export type StreamSettings = Omit<StreamFacts, 'updating' | 'consumerCount'>;

/**
 * A DescribeStream or DescribeStreamSummary answer of the backing store completed as AWS
 * answers: the capacity mode, the retention period, the shard-level metrics, the encryption
 * (EncryptionType, KeyId), UPDATING while the front scales the stream, the registered
 * consumers and the maximum record size (DescribeStreamSummary), and (DescribeStream) the shards after ExclusiveStartShardId, at most Limit of them
 * (default and most: 100), with HasMoreShards telling whether more follow.
 */
export function describedStream(
  operation: 'DescribeStream' | 'DescribeStreamSummary',
  request: JsonObject,
  answer: UpstreamAnswer,
  facts: StreamFacts,
): UpstreamAnswer {
  const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
  const key = operation === 'DescribeStream' ? 'StreamDescription' : 'StreamDescriptionSummary';
  const description = parsed?.[key];
  if (parsed === undefined || typeof description !== 'object' || description === null) return answer;
  const fields = description as JsonObject;
  fields.StreamModeDetails = { StreamMode: facts.mode };
  fields.EnhancedMonitoring = [{ ShardLevelMetrics: [...facts.shardLevelMetrics] }];
  if (facts.retentionHours !== undefined) fields.RetentionPeriodHours = facts.retentionHours;
  fields.EncryptionType = facts.encryption.encryptionType;
  if (facts.encryption.keyId === undefined) delete fields.KeyId;
  else fields.KeyId = facts.encryption.keyId;
  if (facts.updating) fields.StreamStatus = 'UPDATING';
  if (operation === 'DescribeStreamSummary') {
    fields.ConsumerCount = facts.consumerCount;
    fields.MaxRecordSizeInKiB = facts.maxRecordSizeKiB;
  } else if (Array.isArray(fields.Shards)) {
    const start = request.ExclusiveStartShardId;
    const after = (fields.Shards as JsonObject[]).filter(
      (shard) => typeof start !== 'string' || String(shard.ShardId) > start,
    );
    const limit = typeof request.Limit === 'number' ? request.Limit : MAX_DESCRIBED_SHARDS;
    const page = after.slice(0, Math.min(limit, MAX_DESCRIBED_SHARDS));
    fields.Shards = page;
    fields.HasMoreShards = after.length > page.length;
  }
  return jsonAnswer(200, parsed, answer.headers);
}
