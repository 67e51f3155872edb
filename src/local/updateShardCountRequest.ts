import { limitExceeded, localAccountId, rangeRefusal, type AwsErrorAnswer } from './awsErrors.js';
import {
  enumViolations,
  firstRefusal,
  requiredStringViolations,
  STREAM_NAME,
  validationOf,
  violation,
} from './modelValidation.js';

const MAX_SHARD_COUNT_PER_STREAM = 10_000;
/** The model's bound on TargetShardCount. */
const MAX_TARGET_SHARD_COUNT = 100_000;

export interface UpdateShardCountRequest {
  readonly streamName: string;
  readonly target: number;
}

const SCALING_TYPES = ['UNIFORM_SCALING'] as const;

/**
 * Reads an UpdateShardCount request (StreamName already resolved from a StreamARN): every member
 * the model refuses (ScalingType, StreamName, TargetShardCount: missing, or not in the model's
 * enum, pattern, length or range) in one ValidationException, as Kinesis lists them.
 */
export function parseUpdateShardCount(
  payload: Record<string, unknown>,
): UpdateShardCountRequest | AwsErrorAnswer {
  const { StreamName: streamName, TargetShardCount: target, ScalingType: scalingType } = payload;
  const broken = [
    ...enumViolations('scalingType', scalingType, SCALING_TYPES, true),
    ...requiredStringViolations('streamName', streamName, STREAM_NAME),
  ];
  let targetRefusal: AwsErrorAnswer | undefined;
  if (target === undefined || target === null) {
    broken.push(violation(null, 'targetShardCount', 'Member must not be null'));
  } else if (
    typeof target !== 'number' ||
    !Number.isInteger(target) ||
    target < 1 ||
    target > MAX_TARGET_SHARD_COUNT
  ) {
    targetRefusal = rangeRefusal(target, 'targetShardCount', 1, MAX_TARGET_SHARD_COUNT);
  }
  const refusal = firstRefusal(broken.length > 0 ? validationOf(broken) : undefined, targetRefusal);
  if (refusal !== undefined) return refusal;
  // A member of another JSON type is a SerializationException, answered before this check.
  if (typeof streamName !== 'string' || typeof target !== 'number') {
    return validationOf([violation(null, 'streamName', 'Member must not be null')]);
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
