/**
 * The part of an ioredis `Redis` or `Cluster` instance the RedisCheckpointer uses. Both classes
 * fit it; a Cluster routes each call by its first key.
 */
export interface RedisClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  smembers(key: string): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** True if `value` looks like an ioredis client (duck-typed, so two copies of ioredis both work). */
export function isRedisClient(value: unknown): value is RedisClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return ['evalsha', 'eval', 'hmget', 'smembers', 'zrem', 'quit', 'disconnect'].every(
    (method) => typeof client[method] === 'function',
  );
}
