import type { Redis as IoRedis, RedisOptions } from 'ioredis';
import { requireOptional } from '../../optional/requireOptional.js';

/**
 * ioredis's `Redis` class, loaded on first `new Redis(...)`: ioredis is an optional peer
 * dependency, needed only by a RedisCheckpointer that opens its own connection from a URL.
 * Throws MissingPeerDependencyError ("npm install ioredis") when it is not installed.
 */
export const Redis = function Redis(url: string, options: RedisOptions): IoRedis {
  const ioredis = requireOptional<typeof import('ioredis')>('ioredis', 'RedisCheckpointer');
  return new ioredis.Redis(url, options);
} as unknown as new (url: string, options: RedisOptions) => IoRedis;

export type Redis = IoRedis;
