import { randomUUID } from 'node:crypto';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { describeCheckpointerConformance } from '../../src/testing/index.js';

function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describeCheckpointerConformance('MemoryCheckpointer', async () => {
  const clock = fakeClock();
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 10_000, now: clock.now });
  return {
    checkpointer,
    streamName: `stream-${randomUUID()}`,
    advanceTime: async (ms) => clock.advance(ms),
    cleanup: () => checkpointer.close(),
  };
});

describe('MemoryCheckpointer', () => {
  it('defaults to a 60 s lease computed from the injected clock', async () => {
    const clock = fakeClock(1000);
    const checkpointer = new MemoryCheckpointer({ now: clock.now });
    expect(checkpointer.leaseDurationMs).toBe(60_000);
    const lease = await checkpointer.acquireLease('s', 'shard', 'a');
    expect(lease?.expiresAt).toBe(61_000);
    clock.advance(59_999);
    expect(await checkpointer.acquireLease('s', 'shard', 'b')).toBeUndefined();
    clock.advance(1);
    expect(await checkpointer.acquireLease('s', 'shard', 'b')).toMatchObject({
      owner: 'b',
      expiresAt: 121_000,
    });
  });

  it('works with the real clock by default', async () => {
    const checkpointer = new MemoryCheckpointer();
    const before = Date.now();
    const lease = await checkpointer.acquireLease('s', 'shard', 'a');
    expect(lease?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(lease?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('snapshots stored checkpoints sorted by stream and shard, without leases', async () => {
    const checkpointer = new MemoryCheckpointer({ now: fakeClock().now });
    const b1 = await checkpointer.acquireLease('b', 'shard-1', 'w');
    const a2 = await checkpointer.acquireLease('a', 'shard-2', 'w');
    const a1 = await checkpointer.acquireLease('a', 'shard-1', 'w');
    await checkpointer.acquireLease('a', 'shard-0', 'w');
    await checkpointer.checkpoint(b1!, { sequenceNumber: '3' });
    await checkpointer.markShardEnd(a2!);
    await checkpointer.checkpoint(a1!, { sequenceNumber: '2', subSequenceNumber: 4 });
    expect(checkpointer.snapshot()).toEqual([
      {
        streamName: 'a',
        shardId: 'shard-1',
        checkpoint: { kind: 'position', position: { sequenceNumber: '2', subSequenceNumber: 4 } },
      },
      { streamName: 'a', shardId: 'shard-2', checkpoint: { kind: 'shard-end' } },
      {
        streamName: 'b',
        shardId: 'shard-1',
        checkpoint: { kind: 'position', position: { sequenceNumber: '3' } },
      },
    ]);
  });

  it('stores a copy of the position, not the caller object', async () => {
    const checkpointer = new MemoryCheckpointer();
    const lease = await checkpointer.acquireLease('s', 'shard', 'a');
    const position = { sequenceNumber: '5', subSequenceNumber: 1 };
    await checkpointer.checkpoint(lease!, position);
    position.sequenceNumber = '1';
    expect(await checkpointer.getCheckpoint('s', 'shard')).toEqual({
      kind: 'position',
      position: { sequenceNumber: '5', subSequenceNumber: 1 },
    });
  });

  it('names the stale and the current owner in LeaseLostError', async () => {
    const clock = fakeClock();
    const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 100, now: clock.now });
    const old = await checkpointer.acquireLease('orders', 'shardId-000000000003', 'worker-a');
    clock.advance(100);
    await checkpointer.acquireLease('orders', 'shardId-000000000003', 'worker-b');
    await expect(checkpointer.renewLease(old!)).rejects.toThrow(
      'Lease on shard shardId-000000000003 of stream orders lost by "worker-a": it is now held by "worker-b"',
    );
  });

  describe('option validation', () => {
    it.each([
      [{ leaseDurationMs: 0 }, 'leaseDurationMs'],
      [{ leaseDurationMs: -5 }, 'leaseDurationMs'],
      [{ leaseDurationMs: 1.5 }, 'leaseDurationMs'],
      [{ leaseDurationMs: Number.POSITIVE_INFINITY }, 'leaseDurationMs'],
      [{ leaseDurationMs: '1000' }, 'leaseDurationMs'],
      [{ now: 5 }, 'now'],
      [{ leaseDuration: 1000 }, 'leaseDuration'],
    ])('rejects %j naming %s', (options, option) => {
      const create = () => new MemoryCheckpointer(options as never);
      expect(create).toThrow(InvalidOptionError);
      expect(create).toThrow(`Invalid option "${option}"`);
    });

    it('does not show the value of an unknown option (a misspelt name may be a secret one)', () => {
      const create = () => new MemoryCheckpointer({ leaseDuration: 'hunter2' } as never);
      expect(create).toThrow('Invalid option "leaseDuration"');
      expect(create).not.toThrow(/hunter2/);
    });

    it('rejects a non-object options argument', () => {
      expect(() => new MemoryCheckpointer(null as never)).toThrow(InvalidOptionError);
    });

    it('accepts leaseDurationMs alone and no options at all', () => {
      expect(new MemoryCheckpointer({ leaseDurationMs: 1 }).leaseDurationMs).toBe(1);
      expect(new MemoryCheckpointer().name).toBe('memory');
    });
  });
});
