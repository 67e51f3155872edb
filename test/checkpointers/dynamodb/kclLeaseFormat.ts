// A reader of lease items as the KCL (2.x) reads them: what in an item a KCL worker could not read.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

const DIGITS = /^[0-9]+$/;
const SENTINELS = new Set(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP', 'SHARD_END']);
/** Attributes the KCL's serializer reads, with the DynamoDB type it reads each as. */
const KCL_TYPES: Record<string, 'S' | 'N' | 'SS'> = {
  leaseKey: 'S',
  leaseOwner: 'S',
  leaseCounter: 'N',
  checkpoint: 'S',
  checkpointSubSequenceNumber: 'N',
  ownerSwitchesSinceCheckpoint: 'N',
  parentShardId: 'SS',
  childShardIds: 'SS',
  startingHashKey: 'S',
  endingHashKey: 'S',
  pendingCheckpoint: 'S',
  pendingCheckpointSubSequenceNumber: 'N',
};
/** Multi-stream mode adds these two. */
const MULTI_STREAM_TYPES: Record<string, 'S'> = { streamName: 'S', shardId: 'S' };

/**
 * Problems a KCL worker would have with `item`: a KCL attribute of another type, a missing
 * counter or checkpoint, a checkpoint that is neither a sequence number nor a sentinel, half a
 * hash key range, a multi-stream key that does not match its `streamName`/`shardId`. Attributes
 * the KCL does not know are ignored by it (and here): rxjs-kinesis keeps its handoff state in them.
 */
export function kclFormatProblems(item: Item, multiStream = false): string[] {
  const problems: string[] = [];
  const types = multiStream ? { ...KCL_TYPES, ...MULTI_STREAM_TYPES } : KCL_TYPES;
  for (const [name, type] of Object.entries(types)) {
    const value = item[name] as unknown as Record<string, unknown> | undefined;
    if (value !== undefined && value[type] === undefined) problems.push(`${name} is not of type ${type}`);
  }
  for (const name of ['leaseKey', 'leaseCounter', 'checkpoint', 'checkpointSubSequenceNumber'])
    if (item[name] === undefined) problems.push(`${name} missing`);
  const checkpoint = item.checkpoint?.S;
  if (checkpoint !== undefined && !DIGITS.test(checkpoint) && !SENTINELS.has(checkpoint))
    problems.push(`checkpoint ${checkpoint} is neither a sequence number nor a sentinel`);
  for (const name of ['leaseCounter', 'checkpointSubSequenceNumber', 'ownerSwitchesSinceCheckpoint']) {
    const n = item[name]?.N;
    if (n !== undefined && !DIGITS.test(n)) problems.push(`${name} ${n} is not a whole number`);
  }
  if ((item.startingHashKey === undefined) !== (item.endingHashKey === undefined))
    problems.push('half a hash key range');
  for (const name of ['startingHashKey', 'endingHashKey']) {
    const key = item[name]?.S;
    if (key !== undefined && !DIGITS.test(key)) problems.push(`${name} ${key} is not a decimal hash key`);
  }
  const key = item.leaseKey?.S ?? '';
  if (multiStream) {
    const stream = item.streamName?.S;
    const shard = item.shardId?.S;
    if (stream === undefined || !/^[0-9]+:[^:]+:[0-9]+$/.test(stream))
      problems.push(`streamName ${String(stream)} is not a stream identifier`);
    if (key !== `${String(stream)}:${String(shard)}`)
      problems.push(`leaseKey ${key} is not <streamName>:<shardId>`);
  } else if (key.includes(':')) {
    problems.push(`leaseKey ${key} is not a shard id`);
  }
  return problems;
}
