import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { KCL, type LeaseItem } from './kclLeaseItem.js';

/**
 * Attributes a KCL (2.3+) multi-stream lease item carries besides the KCL's single-stream ones:
 * `streamName` holds the stream identifier (`<accountId>:<streamName>:<creationEpoch>`, the name
 * kept for legacy reasons), `shardId` the shard id.
 */
export const KCL_MULTI_STREAM = {
  streamIdentifier: 'streamName',
  shardId: 'shardId',
} as const;

/** A KCL stream identifier: `<accountId>:<streamName>:<creationEpoch>`, digits around the name. */
const STREAM_IDENTIFIER = /^([0-9]+):([^:]+):([0-9]+)$/;

/**
 * How a stream's shards map to lease items. Single-stream mode (the KCL's default): `leaseKey` is
 * the shard id. Multi-stream mode (KCL 2.3+ MultiStreamTracker): `leaseKey` is
 * `<streamIdentifier>:<shardId>`, and the items of other streams in the same table are not ours.
 */
export interface LeaseKeying {
  /** The stream identifier in multi-stream mode, undefined in single-stream mode. */
  readonly streamIdentifier: string | undefined;
  /** The `leaseKey` of a shard's item. */
  keyOf(shardId: string): string;
  /** The shard an item is the lease of; undefined for an item of another stream or mode. */
  shardIdOf(item: LeaseItem): string | undefined;
  /** Attributes besides `leaseKey` a new item carries to name its lease (multi-stream: stream, shard). */
  identity(shardId: string): Record<string, AttributeValue>;
  /**
   * The identifier of a multi-stream item that names the same stream under another identifier:
   * in multi-stream mode, another account or creation epoch (a mistyped `streamIdentifier`); in
   * single-stream mode, any (a KCL multi-stream table given without `streamIdentifier`).
   */
  strayIdentifierOf(item: LeaseItem): string | undefined;
}

/** Kinesis shard ids (`shardId-000000000000`) hold no colon; multi-stream lease keys do. */
function plainShardId(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' && !value.includes(':') ? value : undefined;
}

/** The identifier in an item's `streamName` when it is a KCL stream identifier naming `streamName`. */
function identifierNaming(item: LeaseItem, streamName: string): string | undefined {
  const identifier = item[KCL_MULTI_STREAM.streamIdentifier]?.S;
  if (identifier === undefined) return undefined;
  return STREAM_IDENTIFIER.exec(identifier)?.[2] === streamName ? identifier : undefined;
}

/** Single-stream keying (`leaseKey` is the shard id) for `streamName`. */
export function singleStreamKeying(streamName: string): LeaseKeying {
  return {
    streamIdentifier: undefined,
    keyOf: (shardId) => shardId,
    shardIdOf: (item) => plainShardId(item[KCL.leaseKey]?.S),
    identity: () => ({}),
    strayIdentifierOf: (item) => identifierNaming(item, streamName),
  };
}

/** Multi-stream keying for `streamIdentifier`, checked against the KCL's format and `streamName`. */
export function multiStreamKeying(streamIdentifier: unknown, streamName: string): LeaseKeying {
  const match = typeof streamIdentifier === 'string' ? STREAM_IDENTIFIER.exec(streamIdentifier) : null;
  if (match === null || BigInt(match[3] as string) <= 0n)
    throw new InvalidOptionError(
      'streamIdentifier',
      streamIdentifier,
      'expected a KCL stream identifier <accountId>:<streamName>:<creationEpoch>, e.g. 123456789012:orders:1700000000',
    );
  if (match[2] !== streamName)
    throw new InvalidOptionError(
      'streamIdentifier',
      streamIdentifier,
      `names stream "${String(match[2])}", not the stream "${streamName}" it was used for`,
    );
  const identifier = streamIdentifier as string;
  const prefix = `${identifier}:`;
  return {
    streamIdentifier: identifier,
    keyOf: (shardId) => `${prefix}${shardId}`,
    shardIdOf: (item) => {
      const key = item[KCL.leaseKey]?.S;
      if (key === undefined || !key.startsWith(prefix)) return undefined;
      return plainShardId(key.slice(prefix.length));
    },
    identity: (shardId) => ({
      [KCL_MULTI_STREAM.streamIdentifier]: { S: identifier },
      [KCL_MULTI_STREAM.shardId]: { S: shardId },
    }),
    strayIdentifierOf: (item) => {
      const other = identifierNaming(item, streamName);
      return other === identifier ? undefined : other;
    },
  };
}
