import type { DynamoDBClientLike } from './DynamoDBClientLike.js';

/**
 * The region a DynamoDBClient sends to (its `config.region`, a value or the SDK's provider of
 * one), for error messages; undefined when it cannot tell (a client of another shape, no region).
 */
export async function clientRegion(client: DynamoDBClientLike): Promise<string | undefined> {
  const config = (client as { readonly config?: { readonly region?: unknown } }).config;
  try {
    const region: unknown =
      typeof config?.region === 'function' ? await (config.region as () => unknown)() : config?.region;
    return typeof region === 'string' && region !== '' ? region : undefined;
  } catch {
    return undefined;
  }
}
