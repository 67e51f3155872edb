import { fairShare, planLeaseBalance, type BalanceLease } from '../../src/checkpointers/planLeaseBalance.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

const shards = (n: number) => Array.from({ length: n }, (_, i) => `shard-${String(i).padStart(2, '0')}`);
const NOW = 1_000_000;

describe('fairShare', () => {
  it('is ceil(shards / workers), capped by maxShardConsumers', () => {
    expect(fairShare(4, 3)).toBe(2);
    expect(fairShare(6, 3)).toBe(2);
    expect(fairShare(7, 3)).toBe(3);
    expect(fairShare(2, 5)).toBe(1);
    expect(fairShare(10, 2, 3)).toBe(3);
    expect(fairShare(10, 2, Infinity)).toBe(5);
  });

  it('counts the asking worker when nobody is live yet, and wants nothing without shards', () => {
    expect(fairShare(5, 0)).toBe(5);
    expect(fairShare(0, 4)).toBe(0);
  });

  it('rejects bad counts and limits', () => {
    expect(() => fairShare(-1, 1)).toThrow(InvalidOptionError);
    expect(() => fairShare(1.5, 1)).toThrow(InvalidOptionError);
    expect(() => fairShare(1, 1, 0)).toThrow(/maxShardConsumers/);
  });
});

describe('planLeaseBalance', () => {
  it('takes free shards up to the target', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: [],
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(plan).toEqual({
      target: 2,
      held: [],
      acquire: ['shard-00', 'shard-01'],
      takeOver: [],
      handOver: [],
      release: [],
      withdraw: [],
    });
  });

  it('takes a shard reserved for it first and never one reserved for another worker', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: [
        { shardId: 'shard-00', reservation: { worker: 'c', until: NOW + 1 } },
        { shardId: 'shard-03', reservation: { worker: 'a', until: NOW + 1 } },
        { shardId: 'shard-02', reservation: { worker: 'c', until: NOW } }, // ran out
      ],
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(plan.acquire).toEqual(['shard-03', 'shard-01']);
  });

  it('ignores shards that are not open and counts live owners as workers', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: ['s1', 's2'],
      leases: [
        { shardId: 's1', owner: 'ghost' },
        { shardId: 'closed', owner: 'a' },
      ],
      liveWorkers: [],
      now: NOW,
    });
    expect(plan).toMatchObject({ target: 1, held: [], acquire: ['s2'] });
  });

  it('asks the busiest owner for a shard when no free one is left', () => {
    const leases: BalanceLease[] = [
      ...shards(4)
        .slice(0, 3)
        .map((shardId) => ({ shardId, owner: 'b' })),
      { shardId: 'shard-03', owner: 'c' },
    ];
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases,
      liveWorkers: ['a', 'b', 'c'],
      now: NOW,
    });
    expect(plan).toMatchObject({
      target: 2,
      acquire: [],
      requestHandoff: { shardId: 'shard-00', owner: 'b' },
    });
  });

  it('also asks when nobody is above the (ceiling) target but the gap is 2 or more: 2-2-0', () => {
    const leases = shards(4).map((shardId, i) => ({ shardId, owner: i < 2 ? 'b' : 'c' }));
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases,
      liveWorkers: ['a', 'b', 'c'],
      now: NOW,
    });
    expect(plan.requestHandoff).toEqual({ shardId: 'shard-00', owner: 'b' });
  });

  it('does not ask when the gap is 1: 2-1-1 is balanced', () => {
    const leases = shards(4).map((shardId, i) => ({ shardId, owner: i < 2 ? 'b' : i === 2 ? 'c' : 'a' }));
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases,
      liveWorkers: ['a', 'b', 'c'],
      now: NOW,
    });
    expect(plan.requestHandoff).toBeUndefined();
    expect(plan.acquire).toEqual([]);
  });

  it('makes one request at a time and takes over once the deadline passed', () => {
    const leases: BalanceLease[] = shards(4).map((shardId) => ({ shardId, owner: 'b' }));
    const pending = leases.map((lease, i) =>
      i === 1 ? { ...lease, handoff: { requester: 'a', deadline: NOW + 10 } } : lease,
    );
    const waiting = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: pending,
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(waiting.requestHandoff).toBeUndefined();
    expect(waiting.takeOver).toEqual([]);

    const overdue = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: pending,
      liveWorkers: ['a', 'b'],
      now: NOW + 10,
    });
    expect(overdue.takeOver).toEqual(['shard-01']);
    // Still below target (2) with the takeover counted, and b keeps 3: one more request.
    expect(overdue.requestHandoff).toEqual({ shardId: 'shard-00', owner: 'b' });
  });

  it('withdraws a request that is no longer needed', () => {
    const leases: BalanceLease[] = [
      { shardId: 's1', owner: 'b', handoff: { requester: 'a', deadline: NOW + 5 } },
      { shardId: 's2', owner: 'a' },
    ];
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: ['s1', 's2'],
      leases,
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(plan.withdraw).toEqual(['s1']);
    expect(plan.takeOver).toEqual([]);
  });

  it('withdraws a reservation for it that it has no room for, so another worker may take the shard', () => {
    // a asked b for shard-02 when it held 1 of 4 (target 2); b released it reserved for a, and
    // two more workers joined meanwhile: a's share is 1, which it holds.
    const leases: BalanceLease[] = [
      { shardId: 'shard-00', owner: 'a' },
      { shardId: 'shard-01', owner: 'b' },
      { shardId: 'shard-02', reservation: { worker: 'a', until: NOW + 30_000 } },
      { shardId: 'shard-03', owner: 'b' },
    ];
    const input = { openShards: shards(4), leases, liveWorkers: ['a', 'b', 'c', 'd'], now: NOW };
    const plan = planLeaseBalance({ ...input, workerId: 'a' });
    expect(plan.target).toBe(1);
    expect(plan.acquire).toEqual([]);
    expect(plan.withdraw).toEqual(['shard-02']);
    // Until a withdraws it, c and d must leave it alone.
    expect(planLeaseBalance({ ...input, workerId: 'c' }).acquire).toEqual([]);
    // Reserved twice over room (two releases for it landed), a takes one and withdraws the other.
    const twice = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: [
        { shardId: 'shard-00', reservation: { worker: 'a', until: NOW + 30_000 } },
        { shardId: 'shard-01', owner: 'b' },
        { shardId: 'shard-02', reservation: { worker: 'a', until: NOW + 30_000 } },
        { shardId: 'shard-03', owner: 'b' },
      ],
      liveWorkers: ['a', 'b', 'c', 'd'],
      now: NOW,
    });
    expect(twice.acquire).toEqual(['shard-00']);
    expect(twice.withdraw).toEqual(['shard-02']);
  });

  it('honours requests from live workers with at least 2 fewer shards', () => {
    const leases: BalanceLease[] = shards(4).map((shardId, i) => ({
      shardId,
      owner: 'b',
      ...(i === 0 ? { handoff: { requester: 'a', deadline: NOW + 5 } } : {}),
      ...(i === 1 ? { handoff: { requester: 'gone', deadline: NOW + 5 } } : {}),
    }));
    const plan = planLeaseBalance({
      workerId: 'b',
      openShards: shards(4),
      leases,
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(plan.handOver).toEqual([{ shardId: 'shard-00', requester: 'a' }]);

    const balanced = planLeaseBalance({
      workerId: 'b',
      openShards: shards(4),
      leases: leases.map((lease, i) => (i >= 2 ? { shardId: lease.shardId, owner: 'a' } : lease)),
      liveWorkers: ['a', 'b'],
      now: NOW,
    });
    expect(balanced.handOver).toEqual([]);
  });

  it('releases what it holds beyond maxShardConsumers', () => {
    const leases = shards(5).map((shardId) => ({ shardId, owner: 'a' }));
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(5),
      leases,
      liveWorkers: ['a'],
      now: NOW,
      maxShardConsumers: 3,
    });
    expect(plan).toMatchObject({ target: 3, release: ['shard-03', 'shard-04'], acquire: [] });
  });

  it('rejects a missing worker id, clock or bad limit', () => {
    const base = { workerId: 'a', openShards: [], leases: [], liveWorkers: [], now: NOW };
    expect(() => planLeaseBalance({ ...base, workerId: '' })).toThrow(InvalidOptionError);
    expect(() => planLeaseBalance({ ...base, now: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => planLeaseBalance({ ...base, maxShardConsumers: -2 })).toThrow(InvalidOptionError);
  });

  describe('converges when every worker follows its plan', () => {
    /** A tiny lease store: one plan step per worker per round, handoffs honoured on the next round. */
    function simulate(
      shardCount: number,
      workers: string[],
      initial: Record<string, string> = {},
      max?: number,
    ) {
      const open = shards(shardCount);
      const leases = new Map<
        string,
        {
          owner?: string;
          handoff?: { requester: string; deadline: number };
          reservation?: { worker: string; until: number };
        }
      >();
      for (const shardId of open)
        leases.set(shardId, initial[shardId] === undefined ? {} : { owner: initial[shardId] });
      let now = NOW;
      const snapshot = () => [...leases].map(([shardId, lease]) => ({ shardId, ...lease }));
      for (let round = 0; round < 30; round += 1) {
        now += 1;
        for (const workerId of workers) {
          const plan = planLeaseBalance({
            workerId,
            openShards: open,
            leases: snapshot(),
            liveWorkers: workers,
            now,
            ...(max !== undefined ? { maxShardConsumers: max } : {}),
          });
          for (const shardId of plan.release) leases.set(shardId, {});
          for (const { shardId, requester } of plan.handOver)
            leases.set(shardId, { reservation: { worker: requester, until: now + 5 } });
          for (const shardId of [...plan.acquire, ...plan.takeOver]) leases.set(shardId, { owner: workerId });
          for (const shardId of plan.withdraw) leases.set(shardId, { owner: leases.get(shardId)?.owner });
          if (plan.requestHandoff !== undefined) {
            const lease = leases.get(plan.requestHandoff.shardId)!;
            leases.set(plan.requestHandoff.shardId, {
              ...lease,
              handoff: { requester: workerId, deadline: now + 100 },
            });
          }
        }
      }
      const counts = workers.map(
        (worker) => [...leases.values()].filter((lease) => lease.owner === worker).length,
      );
      const unowned = [...leases.values()].filter((lease) => lease.owner === undefined).length;
      return { counts, unowned };
    }

    it.each([
      [4, 3],
      [10, 3],
      [7, 7],
      [3, 5],
      [16, 4],
    ])('%i shards over %i workers starting empty', (shardCount, workerCount) => {
      const workers = Array.from({ length: workerCount }, (_, i) => `w${i}`);
      const { counts, unowned } = simulate(shardCount, workers);
      expect(unowned).toBe(0);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    });

    it('spreads shards held by one worker over newcomers', () => {
      const initial = Object.fromEntries(shards(9).map((shardId) => [shardId, 'w0']));
      const { counts, unowned } = simulate(9, ['w0', 'w1', 'w2'], initial);
      expect(unowned).toBe(0);
      expect(counts).toEqual([3, 3, 3]);
    });

    it("leaves shards beyond everybody's maxShardConsumers unowned", () => {
      const { counts, unowned } = simulate(10, ['w0', 'w1'], {}, 3);
      expect(counts).toEqual([3, 3]);
      expect(unowned).toBe(4);
    });
  });
});
