import type { Shard } from '@aws-sdk/client-kinesis';
import {
  filterShards,
  listShardsPage,
  parseListShards,
  type ListShardsQuery,
} from '../../src/local/listShardsPage.js';

/** A version-2 kinesalite sequence number issued at `seconds`. */
function sequenceAt(seconds: number): string {
  const hex = [
    '2',
    '0'.repeat(9),
    '0',
    '0'.repeat(16),
    '00',
    seconds.toString(16).padStart(9, '0'),
    '00000000',
    '2',
  ].join('');
  return BigInt(`0x${hex}`).toString();
}

const T0 = 1_700_000_000;
const RANGE = { StartingHashKey: '0', EndingHashKey: '1' };
// shard 0 split at T0+10 into 1 and 2; 1 and 2 merged at T0+20 into 3.
const shards: Shard[] = [
  {
    HashKeyRange: RANGE,
    ShardId: 'shardId-000000000000',
    SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: sequenceAt(T0 + 10) },
  },
  {
    HashKeyRange: RANGE,
    ShardId: 'shardId-000000000001',
    ParentShardId: 'shardId-000000000000',
    SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: sequenceAt(T0 + 20) },
  },
  {
    HashKeyRange: RANGE,
    ShardId: 'shardId-000000000002',
    ParentShardId: 'shardId-000000000000',
    SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: sequenceAt(T0 + 20) },
  },
  {
    HashKeyRange: RANGE,
    ShardId: 'shardId-000000000003',
    ParentShardId: 'shardId-000000000001',
    AdjacentParentShardId: 'shardId-000000000002',
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  },
];
const ids = (list: readonly Shard[]) => list.map((shard) => shard.ShardId!.slice(-1));
const now = (T0 + 30) * 1000;

describe('ListShards filters and pages', () => {
  it('filters by when each shard was open', () => {
    expect(ids(filterShards(shards, { type: 'AT_LATEST' }, now))).toEqual(['3']);
    expect(ids(filterShards(shards, { type: 'AT_TRIM_HORIZON' }, now))).toEqual(['0']);
    expect(ids(filterShards(shards, { type: 'FROM_TRIM_HORIZON' }, now))).toEqual(['0', '1', '2', '3']);
    expect(ids(filterShards(shards, { type: 'AT_TIMESTAMP', timestamp: (T0 + 15) * 1000 }, now))).toEqual([
      '1',
      '2',
    ]);
    expect(ids(filterShards(shards, { type: 'AT_TIMESTAMP', timestamp: (T0 + 5) * 1000 }, now))).toEqual([
      '0',
    ]);
    expect(ids(filterShards(shards, { type: 'FROM_TIMESTAMP', timestamp: (T0 + 15) * 1000 }, now))).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(ids(filterShards(shards, { type: 'FROM_TIMESTAMP', timestamp: (T0 + 25) * 1000 }, now))).toEqual([
      '3',
    ]);
  });

  it('pages with MaxResults and a NextToken that carries the stream and the filter', () => {
    const first = parseListShards(
      { StreamName: 's', MaxResults: 2, ShardFilter: { Type: 'FROM_TRIM_HORIZON' } },
      now,
    ) as ListShardsQuery;
    const page1 = listShardsPage(first, shards, now);
    expect(ids(page1.Shards as Shard[])).toEqual(['0', '1']);
    expect(page1.NextToken).toEqual(expect.any(String));
    const second = parseListShards(
      { NextToken: page1.NextToken, MaxResults: 2 },
      now + 1000,
    ) as ListShardsQuery;
    expect(second.streamName).toBe('s');
    const page2 = listShardsPage(second, shards, now + 1000);
    expect(ids(page2.Shards as Shard[])).toEqual(['2', '3']);
    expect(page2.NextToken).toBeUndefined();
  });

  it('starts after ExclusiveStartShardId or ShardFilter AFTER_SHARD_ID', () => {
    const after = parseListShards(
      { StreamName: 's', ExclusiveStartShardId: 'shardId-000000000001' },
      now,
    ) as ListShardsQuery;
    expect(ids(listShardsPage(after, shards, now).Shards as Shard[])).toEqual(['2', '3']);
    const filter = parseListShards(
      { StreamName: 's', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' } },
      now,
    ) as ListShardsQuery;
    expect(ids(listShardsPage(filter, shards, now).Shards as Shard[])).toEqual(['3']);
  });

  it.each([
    [{}, 'InvalidArgumentException'],
    [{ StreamName: 's', NextToken: 'x' }, 'InvalidArgumentException'],
    [{ NextToken: 'not a token' }, 'InvalidArgumentException'],
    [{ StreamName: 's', MaxResults: 0 }, 'ValidationException'],
    [{ StreamName: 's', MaxResults: 10_001 }, 'ValidationException'],
    // The model check: an unknown Type is not an InvalidArgumentException but a ValidationException.
    [{ StreamName: 's', ShardFilter: { Type: 'SIDEWAYS' } }, 'ValidationException'],
    [{ StreamName: 's', ShardFilter: { Type: 'AT_TIMESTAMP' } }, 'InvalidArgumentException'],
    [{ StreamName: 's', ShardFilter: { Type: 'AFTER_SHARD_ID' } }, 'InvalidArgumentException'],
    [
      { StreamName: 's', ExclusiveStartShardId: 'shardId-000000000000', ShardFilter: { Type: 'AT_LATEST' } },
      'InvalidArgumentException',
    ],
  ])('refuses %j with %s', (payload, type) => {
    expect(parseListShards(payload, now)).toMatchObject({ status: 400, type });
  });

  it('checks ShardFilter against the model: Type required and one of the six, ShardId a shard id', () => {
    const types =
      'AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP';
    expect(parseListShards({ StreamName: 's', ShardFilter: { Type: 'SIDEWAYS' } }, now)).toEqual({
      status: 400,
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'SIDEWAYS' at 'shardFilter.type' failed to satisfy constraint: " +
        `Member must satisfy enum value set: [${types}]`,
    });
    expect(parseListShards({ StreamName: 's', ShardFilter: { ShardId: 'shard 1' } }, now)).toEqual({
      status: 400,
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value null at 'shardFilter.type' failed to satisfy constraint: " +
        "Member must not be null; Value 'shard 1' at 'shardFilter.shardId' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
    });
    // With other broken members, in one answer.
    expect(
      parseListShards({ StreamName: 's', MaxResults: 0, ShardFilter: { Type: 'SIDEWAYS' } }, now),
    ).toMatchObject({
      type: 'ValidationException',
      message: expect.stringMatching(/^2 validation errors detected: /),
    });
  });

  it('expires a NextToken after 300 seconds', () => {
    const query = parseListShards({ StreamName: 's', MaxResults: 1 }, now) as ListShardsQuery;
    const token = listShardsPage(query, shards, now).NextToken;
    expect(parseListShards({ NextToken: token }, now + 301_000)).toMatchObject({
      type: 'ExpiredNextTokenException',
    });
  });
});
