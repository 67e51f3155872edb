import { rangeRefusal, validationError, type AwsErrorAnswer } from './awsErrors.js';
import { ON_DEMAND_INITIAL_SHARDS, type StreamMode } from './StreamModes.js';
import type { JsonObject } from './UpstreamAnswer.js';

/** The mode a request's `StreamModeDetails` names (undefined if it names none), or the refusal. */
export function requestedStreamMode(payload: JsonObject): StreamMode | undefined | AwsErrorAnswer {
  const details = payload.StreamModeDetails;
  if (details === undefined || details === null) return undefined;
  const mode = typeof details === 'object' ? (details as JsonObject).StreamMode : undefined;
  if (mode === 'ON_DEMAND' || mode === 'PROVISIONED') return mode;
  return validationError(
    `1 validation error detected: Value ${mode === undefined || mode === null ? 'null' : `'${String(mode)}'`} ` +
      "at 'streamModeDetails.streamMode' failed to satisfy constraint: " +
      (mode === undefined || mode === null
        ? 'Member must not be null'
        : 'Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]'),
  );
}

/** The largest record a stream takes by default, and the range CreateStream may set (KiB). */
export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024;
const MAX_RECORD_SIZE_KIB = 10_240;

/**
 * CreateStream's `MaxRecordSizeInKiB` as Kinesis reads it (an Integer member: a JSON number with a
 * fraction is truncated), or undefined when not a number.
 */
export function requestedMaxRecordSizeKiB(payload: JsonObject): number | undefined {
  const size = payload.MaxRecordSizeInKiB;
  return typeof size === 'number' ? Math.trunc(size) : undefined;
}

/** CreateStream's `MaxRecordSizeInKiB` (1,024 to 10,240) and `WarmThroughputMiBps` (0 or more). */
function createStreamRangeRefusal(payload: JsonObject): AwsErrorAnswer | undefined {
  const size = requestedMaxRecordSizeKiB(payload);
  if (size !== undefined && (size < DEFAULT_MAX_RECORD_SIZE_KIB || size > MAX_RECORD_SIZE_KIB)) {
    return rangeRefusal(size, 'maxRecordSizeInKiB', DEFAULT_MAX_RECORD_SIZE_KIB, MAX_RECORD_SIZE_KIB);
  }
  const warm = typeof payload.WarmThroughputMiBps === 'number' ? Math.trunc(payload.WarmThroughputMiBps) : 0;
  if (warm < 0) {
    return rangeRefusal(warm, 'warmThroughputMiBps', 0, Number.MAX_SAFE_INTEGER);
  }
  return undefined;
}

/**
 * A CreateStream request as the backing store takes it (an on-demand stream opens with the
 * shards AWS gives one), with the mode the stream is created in, or the refusal. A request that
 * names neither a mode nor a `ShardCount` (`aws kinesis create-stream --stream-name s`, which AWS
 * takes) creates an on-demand stream.
 */
export function createStreamRequest(
  payload: JsonObject,
): { readonly payload: JsonObject; readonly mode: StreamMode } | AwsErrorAnswer {
  const mode = requestedStreamMode(payload);
  if (mode !== undefined && typeof mode === 'object') return mode;
  const outOfRange = createStreamRangeRefusal(payload);
  if (outOfRange !== undefined) return outOfRange;
  const { StreamModeDetails: _details, ...rest } = payload;
  const counted = payload.ShardCount !== undefined && payload.ShardCount !== null;
  if (mode === 'PROVISIONED' || (mode === undefined && counted))
    return { payload: rest, mode: 'PROVISIONED' };
  if (counted) return validationError('ShardCount is not expected when StreamMode=ON_DEMAND');
  return { payload: { ...rest, ShardCount: ON_DEMAND_INITIAL_SHARDS }, mode: 'ON_DEMAND' };
}
