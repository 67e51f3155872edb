import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { positiveOption } from './positiveOption.js';

/** Whose calls one control-plane budget counts: the whole account's, or one stream's. */
export type ControlPlaneScope = 'account' | 'stream';

/**
 * The control-plane call rates of the Kinesis API reference (each operation's page: "has a
 * limit of N transactions per second per account / per stream"). Over them Kinesis answers
 * LimitExceededException. UpdateShardCount has no per-second limit (its limit is ten scalings
 * per rolling 24 hours per stream: `updateShardCountsPerDay`), nor do the retention, monitoring and stream
 * mode operations; SubscribeToShard has its own limit (`subscribeToShardCallsPerSecond`).
 */
export const CONTROL_PLANE_LIMITS = {
  AddTagsToStream: { callsPerSecond: 5, scope: 'account' },
  CreateStream: { callsPerSecond: 5, scope: 'account' },
  DeleteStream: { callsPerSecond: 5, scope: 'account' },
  DeregisterStreamConsumer: { callsPerSecond: 5, scope: 'stream' },
  DescribeLimits: { callsPerSecond: 1, scope: 'account' },
  DescribeStream: { callsPerSecond: 10, scope: 'account' },
  DescribeStreamConsumer: { callsPerSecond: 20, scope: 'stream' },
  DescribeStreamSummary: { callsPerSecond: 20, scope: 'account' },
  ListShards: { callsPerSecond: 1000, scope: 'stream' },
  ListStreamConsumers: { callsPerSecond: 5, scope: 'stream' },
  ListStreams: { callsPerSecond: 5, scope: 'account' },
  ListTagsForStream: { callsPerSecond: 5, scope: 'account' },
  MergeShards: { callsPerSecond: 5, scope: 'account' },
  RegisterStreamConsumer: { callsPerSecond: 5, scope: 'account' },
  RemoveTagsFromStream: { callsPerSecond: 5, scope: 'account' },
  SplitShard: { callsPerSecond: 5, scope: 'account' },
} as const satisfies Record<string, { callsPerSecond: number; scope: ControlPlaneScope }>;

/** An operation with a control-plane call rate. */
export type ControlPlaneOperation = keyof typeof CONTROL_PLANE_LIMITS;

/** Calls per second of each control-plane operation; false: not limited. */
export type ControlPlaneCallsPerSecond = Readonly<Record<ControlPlaneOperation, number | false>>;

export const DEFAULT_CONTROL_PLANE_CALLS_PER_SECOND: ControlPlaneCallsPerSecond = Object.freeze(
  Object.fromEntries(
    Object.entries(CONTROL_PLANE_LIMITS).map(([operation, limit]) => [operation, limit.callsPerSecond]),
  ) as Record<ControlPlaneOperation, number>,
);

export function isControlPlaneOperation(operation: string): operation is ControlPlaneOperation {
  return Object.prototype.hasOwnProperty.call(CONTROL_PLANE_LIMITS, operation);
}

/**
 * Validates `limits.controlPlaneCallsPerSecond`: an object whose keys are operations of
 * CONTROL_PLANE_LIMITS and whose values are whole calls per second (> 0) or false (no limit).
 * Operations left out keep the AWS rate.
 */
export function resolveControlPlaneCallsPerSecond(value: unknown): ControlPlaneCallsPerSecond {
  const option = 'limits.controlPlaneCallsPerSecond';
  if (value === undefined) return DEFAULT_CONTROL_PLANE_CALLS_PER_SECOND;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(option, value, 'expected an object of calls per second by operation');
  }
  const resolved: Record<string, number | false> = { ...DEFAULT_CONTROL_PLANE_CALLS_PER_SECOND };
  for (const [operation, rate] of Object.entries(value as Record<string, unknown>)) {
    if (!isControlPlaneOperation(operation)) {
      throw new InvalidOptionError(
        `${option}.${operation}`,
        rate,
        `operations with a call rate are ${Object.keys(CONTROL_PLANE_LIMITS).join(', ')}`,
      );
    }
    if (rate === undefined) continue;
    resolved[operation] = rate === false ? false : positiveOption(rate, `${option}.${operation}`, true);
  }
  return Object.freeze(resolved) as ControlPlaneCallsPerSecond;
}
