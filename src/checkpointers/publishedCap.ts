import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { HeartbeatOptions } from './LeaseCoordinator.js';

/**
 * The cap a heartbeat publishes: a whole number >= 1, or undefined for no limit (option omitted
 * or `Infinity`). Throws InvalidOptionError for anything else.
 */
export function publishedCapOf(options: HeartbeatOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(
      'heartbeat options',
      options,
      'must be an object, e.g. { maxShardConsumers: 4 }',
    );
  const cap: unknown = options.maxShardConsumers;
  if (cap === undefined || cap === Infinity) return undefined;
  if (typeof cap !== 'number' || !Number.isSafeInteger(cap) || cap < 1)
    throw new InvalidOptionError('maxShardConsumers', cap, 'must be an integer >= 1, or Infinity (no limit)');
  return cap;
}
