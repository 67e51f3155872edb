import type { JsonObject } from './UpstreamAnswer.js';

/** A record entry of PutRecord(s) or GetRecords, and its size as the limits count it. */
export interface PutEntry {
  readonly data: string;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly bytes: number;
}

/** Reads a record entry (Data as base64, PartitionKey, ExplicitHashKey) and its size in bytes. */
export function toPutEntry(value: unknown): PutEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { Data: data, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey } = value as JsonObject;
  // Entries the backing store would refuse are left to it, so that it names their true position.
  if (typeof data !== 'string' || typeof partitionKey !== 'string') return undefined;
  if (partitionKey.length < 1 || partitionKey.length > 256) return undefined;
  if (explicitHashKey !== undefined && explicitHashKey !== null && typeof explicitHashKey !== 'string')
    return undefined;
  return {
    data,
    partitionKey,
    explicitHashKey: typeof explicitHashKey === 'string' ? explicitHashKey : undefined,
    bytes: Buffer.byteLength(data, 'base64') + Buffer.byteLength(partitionKey, 'utf8'),
  };
}
