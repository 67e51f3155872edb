import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { ProducerCalls } from '../../src/producer/ProducerCalls.js';
import { ShardPredictor } from '../../src/producer/ShardPredictor.js';

const MAX = (2n ** 128n - 1n).toString();
const MIDDLE = (2n ** 127n - 1n).toString();

const shard = (id: string, start: string, end: string, extra: Partial<Shard> = {}): Shard => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: start, EndingHashKey: end },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
  ...extra,
});

/** A client whose ListShards answers the given pages in turn (NextToken `page-<n>`). */
function pagedClient(pages: readonly (readonly Shard[])[]): KinesisClient {
  const send = (command: unknown): Promise<unknown> => {
    if (!(command instanceof ListShardsCommand)) return Promise.reject(new Error('unexpected command'));
    const token = command.input.NextToken;
    const page = token === undefined ? 0 : Number(token.slice('page-'.length));
    const next = page + 1 < pages.length ? { NextToken: `page-${page + 1}` } : {};
    return Promise.resolve({ Shards: pages[page], ...next });
  };
  return { send } as unknown as KinesisClient;
}

function loaded(client: KinesisClient): Promise<ShardPredictor> {
  const predictor = new ShardPredictor(
    client,
    parseStreamAddress('orders', 'streamName'),
    () => 0,
    60_000,
    new ProducerCalls(undefined),
  );
  return new Promise((resolve, reject) =>
    predictor.load((error) => (error === undefined ? resolve(predictor) : reject(error))),
  );
}

describe('ShardPredictor', () => {
  it('a listing over pages read while a split happens shows the parent open beside its children: the parent counts as closed', async () => {
    // Page 1 read before the split (the parent still open), page 2 after it (its children).
    const predictor = await loaded(
      pagedClient([
        [shard('shardId-000000000000', '0', MAX)],
        [
          shard('shardId-000000000001', '0', MIDDLE, { ParentShardId: 'shardId-000000000000' }),
          shard('shardId-000000000002', (BigInt(MIDDLE) + 1n).toString(), MAX, {
            ParentShardId: 'shardId-000000000000',
          }),
        ],
      ]),
    );
    expect(predictor.isOpen('shardId-000000000000')).toBe(false);
    expect(predictor.shardCount).toBe(2);
    expect(predictor.parentsOf('shardId-000000000002')).toEqual(['shardId-000000000000']);
    // Every hash key is placed in the child that holds it, never in the parent.
    expect(predictor.predict('k', '0')).toBe('shardId-000000000001');
    expect(predictor.predict('k', MIDDLE)).toBe('shardId-000000000001');
    expect(predictor.predict('k', (BigInt(MIDDLE) + 1n).toString())).toBe('shardId-000000000002');
    expect(predictor.predict('k', MAX)).toBe('shardId-000000000002');
  });

  it('the same for a merge: both parents, shown open on an earlier page, count as closed', async () => {
    const predictor = await loaded(
      pagedClient([
        [
          shard('shardId-000000000001', '0', MIDDLE),
          shard('shardId-000000000002', (BigInt(MIDDLE) + 1n).toString(), MAX),
        ],
        [
          shard('shardId-000000000003', '0', MAX, {
            ParentShardId: 'shardId-000000000001',
            AdjacentParentShardId: 'shardId-000000000002',
          }),
        ],
      ]),
    );
    expect(predictor.isOpen('shardId-000000000001')).toBe(false);
    expect(predictor.isOpen('shardId-000000000002')).toBe(false);
    expect(predictor.isOpen('shardId-000000000003')).toBe(true);
    for (const key of ['a', 'b', 'c', 'd', 'e']) expect(predictor.predict(key)).toBe('shardId-000000000003');
  });

  it('a consistent listing is read as it is: closed parents, open children', async () => {
    const predictor = await loaded(
      pagedClient([
        [
          shard('shardId-000000000000', '0', MAX, {
            SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
          }),
          shard('shardId-000000000001', '0', MIDDLE, { ParentShardId: 'shardId-000000000000' }),
          shard('shardId-000000000002', (BigInt(MIDDLE) + 1n).toString(), MAX, {
            ParentShardId: 'shardId-000000000000',
          }),
        ],
      ]),
    );
    expect(predictor.isListed('shardId-000000000000')).toBe(true);
    expect(predictor.isOpen('shardId-000000000000')).toBe(false);
    expect(predictor.shardCount).toBe(2);
    expect(predictor.predict('k', MAX)).toBe('shardId-000000000002');
  });
});
