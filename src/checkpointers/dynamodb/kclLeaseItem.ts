import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CheckpointPosition, ShardCheckpoint, ShardLineage } from '../Checkpointer.js';
import { SENTINEL } from './kclSentinels.js';

export { SENTINEL, type InitialCheckpointSentinel } from './kclSentinels.js';

/**
 * Attribute names of a KCL (2.x) lease-table item (one item per shard, hash key `leaseKey`). The
 * KCL's lease model calls its lineage `parentShardIds`, `childShardIds` and
 * `hashKeyRangeForLease`; in the table they are `parentShardId` (a string set, absent when the
 * shard has no parent), `childShardIds` (a string set, written at SHARD_END) and the range as two
 * decimal strings, `startingHashKey` and `endingHashKey`.
 */
export const KCL = {
  leaseKey: 'leaseKey',
  leaseOwner: 'leaseOwner',
  leaseCounter: 'leaseCounter',
  checkpoint: 'checkpoint',
  checkpointSubSequenceNumber: 'checkpointSubSequenceNumber',
  ownerSwitchesSinceCheckpoint: 'ownerSwitchesSinceCheckpoint',
  parentShardId: 'parentShardId',
  childShardIds: 'childShardIds',
  startingHashKey: 'startingHashKey',
  endingHashKey: 'endingHashKey',
  /** KCL 2.x two-phase checkpoints (prepareCheckpoint): what was prepared, removed by a checkpoint. */
  pendingCheckpoint: 'pendingCheckpoint',
  pendingCheckpointSubSequenceNumber: 'pendingCheckpointSubSequenceNumber',
  pendingCheckpointState: 'pendingCheckpointState',
  /** KCL 3.x: the worker that may still checkpoint during its graceful handoff; removed on a take. */
  checkpointOwner: 'checkpointOwner',
  /**
   * KCL 3.5+: what an item of the lease table is (its worker metrics and coordinator state may be
   * kept there too); a lease has none (written before) or LEASE.
   */
  entityType: 'entityType',
} as const;

/** Whether an item of a lease table is a lease, as the KCL tells: no `entityType`, or LEASE. */
export function isLeaseEntity(item: LeaseItem): boolean {
  const value = item[KCL.entityType];
  return value === undefined || value.S === undefined || value.S === 'LEASE';
}

/**
 * Not a KCL attribute: set only while the stored position is "item 0 of an aggregated record
 * done". Holds that record's sequence number; the KCL attributes then keep the previous position,
 * so a KCL worker (or an earlier version of this library, which read sub-sequence 0 as the whole
 * record) replays at most that one record.
 */
export const FIRST_ITEM_DONE = 'rxjsKinesisFirstItemDone';

/**
 * The `checkpointSubSequenceNumber` written for "the whole record done": 2^53 - 1, above the
 * sub-sequence number of any user record. The KCL resumes a checkpoint at its record
 * (AT_SEQUENCE_NUMBER) and drops every user record whose (sequence number, sub-sequence number)
 * is at or below it, so it drops all of that record, aggregated or not. Sub-sequence 0 drops
 * only the record's first user record (the whole of a plain record): the KCL writes it for a
 * plain record and for the first user record of an aggregated one alike.
 */
export const WHOLE_RECORD_SUB_SEQUENCE = Number.MAX_SAFE_INTEGER;

export type LeaseItem = Record<string, AttributeValue>;

const DIGITS = /^[0-9]{1,129}$/;

/** The lease counter of an item (0 if missing). */
export function leaseCounterOf(item: LeaseItem): number {
  const value = item[KCL.leaseCounter];
  return value !== undefined && 'N' in value && value.N !== undefined ? Number(value.N) : 0;
}

/**
 * The owner switches an item counts: 0 when it has none, undefined when what it holds is not a
 * number (edited by hand).
 */
export function ownerSwitchesOf(item: LeaseItem): number | undefined {
  const value = item[KCL.ownerSwitchesSinceCheckpoint];
  if (value === undefined) return 0;
  return 'N' in value && value.N !== undefined ? Number(value.N) : undefined;
}

/** The owner of an item, undefined when released (the KCL removes the attribute). */
export function leaseOwnerOf(item: LeaseItem): string | undefined {
  const value = item[KCL.leaseOwner];
  return value !== undefined && 'S' in value && value.S !== undefined && value.S !== '' ? value.S : undefined;
}

function stringOf(item: LeaseItem, name: string): string | undefined {
  const value = item[name];
  return value !== undefined && 'S' in value ? value.S : undefined;
}

function numberOf(item: LeaseItem, name: string): number | undefined {
  const value = item[name];
  return value !== undefined && 'N' in value && value.N !== undefined ? Number(value.N) : undefined;
}

/**
 * What an item says about the shard's position: SHARD_END -> shard-end; a sequence number with
 * sub-sequence WHOLE_RECORD_SUB_SEQUENCE (or more) -> the whole record done; k (0 when absent, as
 * the KCL reads it) -> items 0..k done, so the reading resumes at that record and skips them, as
 * the KCL's does (a plain record has only item 0); a start sentinel (TRIM_HORIZON, LATEST,
 * AT_TIMESTAMP) or no checkpoint -> undefined (the consumer's configured start applies).
 */
export function checkpointOf(item: LeaseItem): ShardCheckpoint | undefined {
  const stored = stringOf(item, KCL.checkpoint);
  if (stored === SENTINEL.shardEnd) return { kind: 'shard-end' };
  const firstItemDone = stringOf(item, FIRST_ITEM_DONE);
  const kcl = stored !== undefined && DIGITS.test(stored) ? stored : undefined;
  if (firstItemDone !== undefined && DIGITS.test(firstItemDone)) {
    // Only while it is ahead of the KCL pair: a KCL worker that checkpointed since leaves it stale.
    if (kcl === undefined || BigInt(firstItemDone) > BigInt(kcl))
      return { kind: 'position', position: { sequenceNumber: firstItemDone, subSequenceNumber: 0 } };
  }
  if (kcl === undefined) return undefined;
  const sub = numberOf(item, KCL.checkpointSubSequenceNumber) ?? 0;
  if (sub >= WHOLE_RECORD_SUB_SEQUENCE) return { kind: 'position', position: { sequenceNumber: kcl } };
  return {
    kind: 'position',
    position: { sequenceNumber: kcl, subSequenceNumber: Number.isInteger(sub) && sub > 0 ? sub : 0 },
  };
}

const SENTINELS: ReadonlySet<string> = new Set(Object.values(SENTINEL));

/**
 * The `checkpoint` of an item that checkpointOf cannot read (neither a sequence number nor a KCL
 * sentinel, or not a string: edited by hand), as its type and text; undefined when it is absent
 * or readable.
 */
export function unreadableCheckpointOf(item: LeaseItem): { type: string; value: string } | undefined {
  const stored = item[KCL.checkpoint];
  if (stored === undefined) return undefined;
  if ('S' in stored && stored.S !== undefined)
    return DIGITS.test(stored.S) || SENTINELS.has(stored.S) ? undefined : { type: 'S', value: stored.S };
  const [type = '?', value] = Object.entries(stored).find(([, field]) => field !== undefined) ?? [];
  return { type, value: typeof value === 'string' ? value : '' };
}

/**
 * Whether the KCL's own checkpoint of an item holds a sequence number: not a start sentinel
 * (TRIM_HORIZON, LATEST, AT_TIMESTAMP), not SHARD_END, not missing.
 */
export function holdsKclPosition(item: LeaseItem | undefined): boolean {
  const stored = item === undefined ? undefined : stringOf(item, KCL.checkpoint);
  return stored !== undefined && DIGITS.test(stored);
}

/**
 * The UpdateItem SET/REMOVE parts that store `position` in KCL terms. Item 0 of an aggregated
 * record leaves the KCL pair where it is and sets FIRST_ITEM_DONE (earlier versions of this
 * library, which may share the table, read sub-sequence 0 as the whole record), but only while
 * that pair holds a sequence number (`kclPositioned`): over a start sentinel a KCL worker would
 * start at LATEST (skipping the rest of the record and everything after it) or at the shard's
 * start, and an earlier version at its configured start, so the pair is set to (record, 0), as
 * the KCL writes it. Items 0..k set the pair to k, the whole record to WHOLE_RECORD_SUB_SEQUENCE;
 * a write of the pair removes FIRST_ITEM_DONE.
 */
export function positionUpdate(
  position: CheckpointPosition,
  kclPositioned: boolean,
): {
  readonly set: Record<string, AttributeValue>;
  readonly remove: readonly string[];
} {
  if (position.subSequenceNumber === 0 && kclPositioned)
    return { set: { [FIRST_ITEM_DONE]: { S: position.sequenceNumber } }, remove: [] };
  return {
    set: {
      [KCL.checkpoint]: { S: position.sequenceNumber },
      [KCL.checkpointSubSequenceNumber]: {
        N: String(position.subSequenceNumber ?? WHOLE_RECORD_SUB_SEQUENCE),
      },
    },
    remove: [FIRST_ITEM_DONE],
  };
}

function stringSetOf(item: LeaseItem, name: string): string[] | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  if ('SS' in value && value.SS !== undefined) return [...value.SS].sort();
  if ('L' in value && value.L !== undefined)
    return value.L.flatMap((entry) => ('S' in entry && entry.S !== undefined ? [entry.S] : [])).sort();
  return undefined;
}

/** The lineage an item holds (parents, children, hash key range), undefined when it holds none. */
export function lineageOf(item: LeaseItem): ShardLineage | undefined {
  const parentShardIds = stringSetOf(item, KCL.parentShardId);
  const childShardIds = stringSetOf(item, KCL.childShardIds);
  const startingHashKey = stringOf(item, KCL.startingHashKey);
  const endingHashKey = stringOf(item, KCL.endingHashKey);
  const hasRange =
    startingHashKey !== undefined &&
    endingHashKey !== undefined &&
    startingHashKey !== '' &&
    endingHashKey !== '';
  if (parentShardIds === undefined && childShardIds === undefined && !hasRange) return undefined;
  return {
    ...(parentShardIds !== undefined ? { parentShardIds } : {}),
    ...(childShardIds !== undefined ? { childShardIds } : {}),
    ...(hasRange ? { hashKeyRange: { startingHashKey, endingHashKey } } : {}),
  };
}

/** Distinct non-empty ids, sorted; undefined when none (DynamoDB stores no empty set). */
function idSet(ids: readonly string[] | undefined): string[] | undefined {
  if (ids === undefined) return undefined;
  const distinct = [...new Set(ids.filter((id) => typeof id === 'string' && id !== ''))].sort();
  return distinct.length > 0 ? distinct : undefined;
}

/**
 * The KCL attributes that store `lineage`: `parentShardId` and `childShardIds` as string sets
 * (left out when empty, as the KCL does), the hash key range as `startingHashKey`/`endingHashKey`.
 */
export function lineageAttributes(lineage: ShardLineage | undefined): Record<string, AttributeValue> {
  if (lineage === undefined) return {};
  const parents = idSet(lineage.parentShardIds);
  const children = idSet(lineage.childShardIds);
  const range = lineage.hashKeyRange;
  const hasRange =
    range !== undefined && DIGITS.test(range.startingHashKey) && DIGITS.test(range.endingHashKey);
  return {
    ...(parents !== undefined ? { [KCL.parentShardId]: { SS: parents } } : {}),
    ...(children !== undefined ? { [KCL.childShardIds]: { SS: children } } : {}),
    ...(hasRange
      ? {
          [KCL.startingHashKey]: { S: range.startingHashKey },
          [KCL.endingHashKey]: { S: range.endingHashKey },
        }
      : {}),
  };
}

/** The KCL's prepared-checkpoint attributes: a checkpoint or SHARD_END removes them, as the KCL's does. */
export const PENDING_CHECKPOINT: readonly string[] = [
  KCL.pendingCheckpoint,
  KCL.pendingCheckpointSubSequenceNumber,
  KCL.pendingCheckpointState,
];
