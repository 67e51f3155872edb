import type { Shard } from '@aws-sdk/client-kinesis';
import { nextScalingStep, uniformStarts, type ScalingStep } from '../../src/local/uniformScalingPlan.js';

const SPACE = 2n ** 128n;

/** Open shards of a uniform stream of `count` shards, ids from `firstId`. */
function uniform(count: number, firstId = 0): Shard[] {
  const starts = uniformStarts(count);
  return starts.map((start, index) => ({
    ShardId: `shardId-${String(firstId + index).padStart(12, '0')}`,
    HashKeyRange: {
      StartingHashKey: start.toString(),
      EndingHashKey: ((index + 1 < count ? starts[index + 1]! : SPACE) - 1n).toString(),
    },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

/** Applies steps as Kinesis would until the plan says done; returns the steps and the result. */
function scale(open: Shard[], target: number): { steps: ScalingStep[]; open: Shard[] } {
  let shards = [...open];
  let nextId = 100;
  const steps: ScalingStep[] = [];
  for (
    let step = nextScalingStep(shards, target);
    step !== undefined;
    step = nextScalingStep(shards, target)
  ) {
    steps.push(step);
    expect(steps.length).toBeLessThan(100);
    const id = () => `shardId-${String(nextId++).padStart(12, '0')}`;
    if (step.kind === 'merge') {
      const a = shards.find((shard) => shard.ShardId === step.shardId)!;
      const b = shards.find((shard) => shard.ShardId === step.adjacentShardId)!;
      expect(BigInt(a.HashKeyRange!.EndingHashKey!) + 1n).toBe(BigInt(b.HashKeyRange!.StartingHashKey!));
      shards = shards.filter((shard) => shard !== a && shard !== b);
      shards.push({
        ShardId: id(),
        SequenceNumberRange: { StartingSequenceNumber: '1' },
        HashKeyRange: {
          StartingHashKey: a.HashKeyRange!.StartingHashKey!,
          EndingHashKey: b.HashKeyRange!.EndingHashKey!,
        },
      });
    } else {
      const a = shards.find((shard) => shard.ShardId === step.shardId)!;
      const key = BigInt(step.newStartingHashKey);
      expect(key).toBeGreaterThan(BigInt(a.HashKeyRange!.StartingHashKey!) + 1n);
      expect(key).toBeLessThan(BigInt(a.HashKeyRange!.EndingHashKey!));
      shards = shards.filter((shard) => shard !== a);
      shards.push(
        {
          ShardId: id(),
          SequenceNumberRange: { StartingSequenceNumber: '1' },
          HashKeyRange: {
            StartingHashKey: a.HashKeyRange!.StartingHashKey!,
            EndingHashKey: (key - 1n).toString(),
          },
        },
        {
          ShardId: id(),
          SequenceNumberRange: { StartingSequenceNumber: '1' },
          HashKeyRange: { StartingHashKey: key.toString(), EndingHashKey: a.HashKeyRange!.EndingHashKey! },
        },
      );
    }
    expect(shards.length).toBeLessThanOrEqual(Math.max(open.length, target));
  }
  return { steps, open: shards };
}

function ranges(shards: readonly Shard[]): string[][] {
  return shards
    .map((shard) => [shard.HashKeyRange!.StartingHashKey!, shard.HashKeyRange!.EndingHashKey!])
    .sort((a, b) => (BigInt(a[0]!) < BigInt(b[0]!) ? -1 : 1));
}

describe('uniform scaling plan', () => {
  it.each([
    [1, 2],
    [2, 3],
    [2, 4],
    [3, 2],
    [4, 2],
    [5, 7],
    [8, 5],
    [6, 6],
  ])('takes %i shards to %i shards of equal ranges, the layout CreateStream gives', (from, to) => {
    const result = scale(uniform(from), to);
    expect(ranges(result.open)).toEqual(ranges(uniform(to)));
    if (from === to) expect(result.steps).toEqual([]);
  });

  it('splits a single shard at the middle of the hash space', () => {
    expect(nextScalingStep(uniform(1), 2)).toEqual({
      kind: 'split',
      shardId: 'shardId-000000000000',
      newStartingHashKey: (2n ** 127n).toString(),
    });
  });
});
