import { InvalidOptionError } from '../../errors/InvalidOptionError.js';

/** How the local Kinesis serves enhanced fan-out (stream consumers and SubscribeToShard). */
export interface LocalFanOutOptions {
  /**
   * How long a registered consumer stays CREATING, and a deregistered one DELETING, in ms.
   * Default: the server's `streamStatusDelayMs`.
   */
  readonly consumerStatusDelayMs?: number;
  /** Most consumers per stream. Default 20, as on AWS. */
  readonly maxConsumersPerStream?: number;
  /** How long a SubscribeToShard subscription lasts before the server ends it, in ms. Default 5 minutes. */
  readonly subscriptionLifetimeMs?: number;
  /** Longest gap between two events on an idle shard, in ms. Default 5,000. */
  readonly idleEventIntervalMs?: number;
  /** How often a caught-up subscription looks for new records, in ms. Default 50. */
  readonly pollIntervalMs?: number;
  /**
   * How long after an open subscription started a new SubscribeToShard of the same consumer and
   * shard takes it over (the old stream ends with ResourceInUseException); sooner, the new call
   * is refused with ResourceInUseException. On the server's `clock`. Default 5,000, as on AWS.
   */
  readonly takeoverAfterMs?: number;
}

export type ResolvedFanOutOptions = Required<LocalFanOutOptions>;

export const DEFAULT_SUBSCRIPTION_LIFETIME_MS = 5 * 60 * 1000;
export const DEFAULT_MAX_CONSUMERS_PER_STREAM = 20;
export const DEFAULT_IDLE_EVENT_INTERVAL_MS = 5000;
const DEFAULTS = {
  maxConsumersPerStream: DEFAULT_MAX_CONSUMERS_PER_STREAM,
  subscriptionLifetimeMs: DEFAULT_SUBSCRIPTION_LIFETIME_MS,
  idleEventIntervalMs: DEFAULT_IDLE_EVENT_INTERVAL_MS,
  pollIntervalMs: 50,
  takeoverAfterMs: 5000,
} as const;

function integerIn(value: unknown, option: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

/** Validates the `efo` options of startLocalKinesis and fills in the defaults. */
export function resolveFanOutOptions(options: unknown, streamStatusDelayMs: number): ResolvedFanOutOptions {
  if (options === undefined) return { consumerStatusDelayMs: streamStatusDelayMs, ...DEFAULTS };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('efo', options, 'expected an object of enhanced fan-out settings');
  }
  const given = options as Record<string, unknown>;
  const known = [
    'consumerStatusDelayMs',
    'maxConsumersPerStream',
    'subscriptionLifetimeMs',
    'idleEventIntervalMs',
    'pollIntervalMs',
    'takeoverAfterMs',
  ];
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(`efo.${key}`, given[key], `known settings are ${known.join(', ')}`);
    }
  }
  const day = 24 * 60 * 60 * 1000;
  return {
    consumerStatusDelayMs: integerIn(
      given.consumerStatusDelayMs ?? streamStatusDelayMs,
      'efo.consumerStatusDelayMs',
      0,
      60_000,
    ),
    maxConsumersPerStream: integerIn(
      given.maxConsumersPerStream ?? DEFAULTS.maxConsumersPerStream,
      'efo.maxConsumersPerStream',
      1,
      10_000,
    ),
    subscriptionLifetimeMs: integerIn(
      given.subscriptionLifetimeMs ?? DEFAULTS.subscriptionLifetimeMs,
      'efo.subscriptionLifetimeMs',
      1,
      day,
    ),
    idleEventIntervalMs: integerIn(
      given.idleEventIntervalMs ?? DEFAULTS.idleEventIntervalMs,
      'efo.idleEventIntervalMs',
      1,
      day,
    ),
    pollIntervalMs: integerIn(
      given.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      'efo.pollIntervalMs',
      1,
      60_000,
    ),
    takeoverAfterMs: integerIn(
      given.takeoverAfterMs ?? DEFAULTS.takeoverAfterMs,
      'efo.takeoverAfterMs',
      0,
      day,
    ),
  };
}
