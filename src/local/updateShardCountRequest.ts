import {
  limitExceeded,
  localAccountId,
  rangeRefusal,
  validationError,
  type AwsErrorAnswer,
} from './awsErrors.js';
import { missingMember } from './efo/fanOutErrors.js';

const MAX_SHARD_COUNT_PER_STREAM = 10_000;
/** The model's bound on TargetShardCount. */
const MAX_TARGET_SHARD_COUNT = 100_000;

export interface UpdateShardCountRequest {
  readonly streamName: string;
  readonly target: number;
}

/** Reads an UpdateShardCount request (StreamName already resolved from a StreamARN). */
export function parseUpdateShardCount(
  payload: Record<string, unknown>,
): UpdateShardCountRequest | AwsErrorAnswer {
  const { StreamName: streamName, TargetShardCount: target, ScalingType: scalingType } = payload;
  if (typeof streamName !== 'string') {
    return validationError(
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (target === undefined || target === null) return missingMember('targetShardCount');
  if (
    typeof target !== 'number' ||
    !Number.isInteger(target) ||
    target < 1 ||
    target > MAX_TARGET_SHARD_COUNT
  ) {
    return rangeRefusal(target, 'targetShardCount', 1, MAX_TARGET_SHARD_COUNT);
  }
  if (scalingType !== 'UNIFORM_SCALING') {
    return validationError(
      `1 validation error detected: Value '${String(scalingType)}' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]`,
    );
  }
  return { streamName, target };
}

/**
 * Why Kinesis would refuse to scale `current` open shards to `target`: more than double, less
 * than half, or more than 10,000 shards. (The account shard limit is checked apart.)
 */
export function scalingRefusal(
  streamName: string,
  current: number,
  target: number,
): AwsErrorAnswer | undefined {
  const scope = `UpdateShardCount failed for stream ${streamName} under account ${localAccountId()}.`;
  if (target > current * 2) {
    return limitExceeded(
      `${scope} Cannot scale up to more than double the current open shard count of ${current}: ${target}.`,
    );
  }
  if (target < Math.ceil(current / 2)) {
    return limitExceeded(
      `${scope} Cannot scale down below half the current open shard count of ${current}: ${target}.`,
    );
  }
  if (target > MAX_SHARD_COUNT_PER_STREAM) {
    return limitExceeded(`${scope} Cannot scale up to more than ${MAX_SHARD_COUNT_PER_STREAM} shards.`);
  }
  return undefined;
}
