import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** Faults the local server injects, drawn from a seeded generator. */
export interface LocalKinesisFaults {
  /** Share (0..1) of PutRecords entries answered with ErrorCode InternalFailure. */
  readonly internalFailureRate?: number;
  /** Share (0..1) of requests (any API) answered with HTTP 500 InternalFailure. */
  readonly serverErrorRate?: number;
  /** Share (0..1) of requests whose connection is destroyed without a response (nothing is done). */
  readonly connectionResetRate?: number;
  /**
   * Share (0..1) of requests that are read and never answered: the connection stays open and
   * silent until the client gives up (a "black hole"). Nothing is done.
   */
  readonly blackHoleRate?: number;
  /**
   * Share (0..1) of requests that are carried out (a write is stored) and whose connection is
   * then destroyed instead of answered, so the client cannot know the outcome.
   */
  readonly resetAfterWriteRate?: number;
  /**
   * Share (0..1) of SubscribeToShard events replaced by dropping the connection that carries the
   * subscription (under HTTP/2 with every other exchange on it).
   */
  readonly subscriptionDropRate?: number;
  /**
   * Share (0..1) of SubscribeToShard events at which the subscription falls silent: no more
   * events, the stream left open (half-open) until the client gives up.
   */
  readonly silentSubscriptionRate?: number;
  /** Latency added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /**
   * Seed of the generator, an integer; the same seed and request sequence give the same faults.
   * Its state has 32 bits (see seededRandom): a negative seed is the one 2^32 higher. Default 1.
   */
  readonly seed?: number;
}

function rate(value: unknown, option: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidOptionError(option, value, 'expected a rate from 0 to 1');
  }
  return value;
}

/** Validates the `faults` option, filling in 0 for every rate not given and seed 1. */
export function resolveFaults(faults: unknown): Required<LocalKinesisFaults> {
  if (faults === undefined) {
    return {
      internalFailureRate: 0,
      serverErrorRate: 0,
      connectionResetRate: 0,
      blackHoleRate: 0,
      resetAfterWriteRate: 0,
      subscriptionDropRate: 0,
      silentSubscriptionRate: 0,
      latencyMs: 0,
      seed: 1,
    };
  }
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) {
    throw new InvalidOptionError('faults', faults, 'expected an object of fault rates');
  }
  const given = faults as Record<string, unknown>;
  const known = [
    'internalFailureRate',
    'serverErrorRate',
    'connectionResetRate',
    'blackHoleRate',
    'resetAfterWriteRate',
    'subscriptionDropRate',
    'silentSubscriptionRate',
    'latencyMs',
    'seed',
  ];
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(
        `faults.${key}`,
        given[key],
        `known fault settings are ${known.join(', ')}`,
      );
    }
  }
  const latencyMs = given.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > 60_000) {
    throw new InvalidOptionError('faults.latencyMs', latencyMs, 'expected milliseconds from 0 to 60000');
  }
  const seed = given.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidOptionError('faults.seed', seed, 'expected an integer seed');
  }
  return {
    internalFailureRate: rate(given.internalFailureRate, 'faults.internalFailureRate'),
    serverErrorRate: rate(given.serverErrorRate, 'faults.serverErrorRate'),
    connectionResetRate: rate(given.connectionResetRate, 'faults.connectionResetRate'),
    blackHoleRate: rate(given.blackHoleRate, 'faults.blackHoleRate'),
    resetAfterWriteRate: rate(given.resetAfterWriteRate, 'faults.resetAfterWriteRate'),
    subscriptionDropRate: rate(given.subscriptionDropRate, 'faults.subscriptionDropRate'),
    silentSubscriptionRate: rate(given.silentSubscriptionRate, 'faults.silentSubscriptionRate'),
    latencyMs,
    seed,
  };
}
