import { lineageAttributes, lineageOf } from '../../../src/checkpointers/dynamodb/kclLeaseItem.js';
import { multiStreamKeying, singleStreamKeying } from '../../../src/checkpointers/dynamodb/LeaseKeying.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';

const SINGLE_STREAM_KEYING = singleStreamKeying('orders');

describe('lineage attributes', () => {
  it('writes string sets without duplicates or empties, and no attribute for an empty set', () => {
    expect(
      lineageAttributes({
        parentShardIds: ['shardId-2', 'shardId-1', 'shardId-2', ''],
        childShardIds: [],
        hashKeyRange: { startingHashKey: '0', endingHashKey: '99' },
      }),
    ).toEqual({
      parentShardId: { SS: ['shardId-1', 'shardId-2'] },
      startingHashKey: { S: '0' },
      endingHashKey: { S: '99' },
    });
    expect(lineageAttributes(undefined)).toEqual({});
  });

  it('leaves out a hash key range that is not two decimal numbers', () => {
    expect(lineageAttributes({ hashKeyRange: { startingHashKey: '0x10', endingHashKey: '99' } })).toEqual({});
    expect(lineageAttributes({ hashKeyRange: { startingHashKey: '', endingHashKey: '99' } })).toEqual({});
  });

  it('reads back what it writes, and a list where a set was expected', () => {
    const lineage = {
      parentShardIds: ['a', 'b'],
      childShardIds: ['c'],
      hashKeyRange: { startingHashKey: '1', endingHashKey: '2' },
    };
    expect(lineageOf({ leaseKey: { S: 'x' }, ...lineageAttributes(lineage) })).toEqual(lineage);
    expect(lineageOf({ leaseKey: { S: 'x' }, parentShardId: { L: [{ S: 'b' }, { S: 'a' }] } })).toEqual({
      parentShardIds: ['a', 'b'],
    });
    expect(lineageOf({ leaseKey: { S: 'x' }, startingHashKey: { S: '1' } })).toBeUndefined(); // half a range
  });
});

describe('lease keys', () => {
  it('single-stream: the shard id; multi-stream keys are not its items', () => {
    expect(SINGLE_STREAM_KEYING.keyOf('shardId-000000000001')).toBe('shardId-000000000001');
    expect(SINGLE_STREAM_KEYING.shardIdOf({ leaseKey: { S: 'shardId-000000000001' } })).toBe(
      'shardId-000000000001',
    );
    expect(
      SINGLE_STREAM_KEYING.shardIdOf({ leaseKey: { S: '1:orders:2:shardId-000000000001' } }),
    ).toBeUndefined();
  });

  it('multi-stream: <accountId>:<streamName>:<creationEpoch>:<shardId>, its own stream only', () => {
    const keying = multiStreamKeying('123456789012:orders:1700000000', 'orders');
    expect(keying.keyOf('shardId-000000000001')).toBe('123456789012:orders:1700000000:shardId-000000000001');
    expect(keying.identity('shardId-000000000001')).toEqual({
      streamName: { S: '123456789012:orders:1700000000' },
      shardId: { S: 'shardId-000000000001' },
    });
    expect(keying.shardIdOf({ leaseKey: { S: '123456789012:orders:1700000000:shardId-000000000001' } })).toBe(
      'shardId-000000000001',
    );
    expect(
      keying.shardIdOf({ leaseKey: { S: '123456789012:orders:17000000001:shardId-000000000001' } }),
    ).toBe(undefined);
    expect(keying.shardIdOf({ leaseKey: { S: 'shardId-000000000001' } })).toBeUndefined();
    expect(keying.strayIdentifierOf({ streamName: { S: '123456789012:orders:1600000000' } })).toBe(
      '123456789012:orders:1600000000',
    );
    expect(
      keying.strayIdentifierOf({ streamName: { S: '123456789012:payments:1700000000' } }),
    ).toBeUndefined();
  });

  it('rejects an identifier that is not the KCL format or names another stream', () => {
    for (const bad of ['orders', '123:orders', 'abc:orders:1', '123:orders:0', '123:or:ders:1', 42])
      expect(() => multiStreamKeying(bad, 'orders')).toThrow(InvalidOptionError);
    expect(() => multiStreamKeying('123:payments:1', 'orders')).toThrow(InvalidOptionError);
  });
});
