// Balancing a group whose workers have different maxShardConsumers: shares by water-filling, so
// no shard is left unread while some worker has room for it.
import { seededRandom } from '../../src/local/seededRandom.js';
import { fairShares, planLeaseBalance, type BalanceLease } from '../../src/checkpointers/planLeaseBalance.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { LeaseGroupSimulation, type SimWorker } from './leaseGroupSimulation.js';

const shards = (n: number) => Array.from({ length: n }, (_, i) => `shard-${String(i).padStart(2, '0')}`);
const NOW = 1_000_000;

/** Leases of `shards(total)` held as listed, in order: e.g. { a: 3, b: 3, c: 1 } on 9 leaves 2 free. */
function heldAs(total: number, holdings: Record<string, number>): BalanceLease[] {
  const ids = shards(total);
  const leases: BalanceLease[] = [];
  let next = 0;
  for (const [owner, count] of Object.entries(holdings))
    for (let i = 0; i < count; i += 1) leases.push({ shardId: ids[next++] as string, owner });
  return leases;
}

describe('fairShares', () => {
  it('fills capped workers to their cap and spreads the rest over the others', () => {
    expect(fairShares(9, [Infinity, Infinity, 1])).toEqual([4, 4, 1]);
    expect(fairShares(8, [1, 2, Infinity])).toEqual([1, 2, 5]);
    expect(fairShares(10, [1, Infinity, Infinity, Infinity])).toEqual([1, 3, 3, 3]);
    // A cap above the level the others reach changes nothing.
    expect(fairShares(6, [5, Infinity, Infinity])).toEqual([2, 2, 2]);
    expect(fairShares(7, [2, Infinity, Infinity])).toEqual([2, 3, 3]);
  });

  it('is fairShare for everyone without caps, and the caps when they cannot cover the shards', () => {
    expect(fairShares(4, [Infinity, Infinity, Infinity])).toEqual([2, 2, 2]);
    expect(fairShares(20, [3, 1, 2])).toEqual([3, 1, 2]);
    expect(fairShares(0, [1, Infinity])).toEqual([0, 0]);
    expect(fairShares(5, [])).toEqual([]);
  });

  it('covers min(shards, total capacity) and never exceeds a cap (seeded random groups)', () => {
    const random = seededRandom(20261201);
    for (let run = 0; run < 500; run += 1) {
      const caps = Array.from({ length: 1 + Math.floor(random() * 7) }, () =>
        random() < 0.4 ? Infinity : 1 + Math.floor(random() * 6),
      );
      const total = Math.floor(random() * 40);
      const shares = fairShares(total, caps);
      const capacity = caps.reduce((sum, cap) => sum + cap, 0);
      expect(shares.reduce((sum, share) => sum + share, 0)).toBeGreaterThanOrEqual(Math.min(total, capacity));
      shares.forEach((share, i) => expect(share).toBeLessThanOrEqual(caps[i] as number));
    }
  });

  it('rejects bad counts and caps', () => {
    expect(() => fairShares(-1, [1])).toThrow(InvalidOptionError);
    expect(() => fairShares(3, [0])).toThrow(/maxShardConsumers/);
    expect(() => fairShares(3, [1.5])).toThrow(/maxShardConsumers/);
  });
});

describe('planLeaseBalance with published caps', () => {
  it('9 shards, a and b unlimited, c capped at 1: at 3-3-1, a takes a free shard (target 4)', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(9),
      leases: heldAs(9, { a: 3, b: 3, c: 1 }),
      liveWorkers: ['a', 'b', 'c'],
      workerCaps: [{ workerId: 'c', maxShardConsumers: 1 }],
      now: NOW,
    });
    expect(plan).toMatchObject({ target: 4, acquire: ['shard-07'], release: [] });
  });

  it('8 shards with caps 1 / 2 / unlimited: at 1-2-3 the unlimited worker takes both free shards', () => {
    const plan = planLeaseBalance({
      workerId: 'z',
      openShards: shards(8),
      leases: heldAs(8, { x: 1, y: 2, z: 3 }),
      liveWorkers: ['x', 'y', 'z'],
      workerCaps: [
        { workerId: 'x', maxShardConsumers: 1 },
        { workerId: 'y', maxShardConsumers: 2 },
      ],
      now: NOW,
    });
    expect(plan).toMatchObject({ target: 5, acquire: ['shard-06', 'shard-07'] });
  });

  it('counts a live worker that publishes no cap (an older worker) as unlimited', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(9),
      leases: heldAs(9, { a: 3, b: 3, old: 1 }),
      liveWorkers: ['a', 'b', 'old'],
      workerCaps: [],
      now: NOW,
    });
    expect(plan).toMatchObject({ target: 3, acquire: [] });
  });

  it('counts an owner without a heartbeat (a KCL worker, or one gone) as unlimited while its leases last', () => {
    const input = { workerId: 'a', openShards: shards(9), liveWorkers: ['a', 'b'], workerCaps: [], now: NOW };
    const kcl = planLeaseBalance({ ...input, leases: heldAs(9, { a: 3, b: 3, kcl: 3 }) });
    expect(kcl).toMatchObject({ target: 3, acquire: [] });
    expect(kcl.requestHandoff).toBeUndefined();
    // A cap published under its name does not count without a heartbeat.
    const stale = planLeaseBalance({
      ...input,
      leases: heldAs(9, { a: 3, b: 3, kcl: 3 }),
      workerCaps: [{ workerId: 'kcl', maxShardConsumers: 1 }],
    });
    expect(stale).toMatchObject({ target: 3, acquire: [] });
    // Once its leases ran out it no longer counts: the live workers share everything.
    const gone = planLeaseBalance({ ...input, leases: heldAs(9, { a: 3, b: 3 }) });
    expect(gone).toMatchObject({ target: 5, acquire: ['shard-06', 'shard-07'] });
  });

  it("goes by its own maxShardConsumers, not the snapshot's entry for itself", () => {
    const plan = planLeaseBalance({
      workerId: 'c',
      openShards: shards(9),
      leases: heldAs(9, { a: 3, b: 3 }),
      liveWorkers: ['a', 'b', 'c'],
      workerCaps: [{ workerId: 'c', maxShardConsumers: 1 }],
      now: NOW,
    });
    expect(plan).toMatchObject({ target: 3, acquire: ['shard-06', 'shard-07', 'shard-08'] });
  });

  it('a worker holding more than its cap releases the excess, and takes nothing more', () => {
    const leases = heldAs(9, { c: 3, a: 2, b: 2 });
    const input = {
      openShards: shards(9),
      leases,
      liveWorkers: ['a', 'b', 'c'],
      workerCaps: [{ workerId: 'c', maxShardConsumers: 1 }],
      now: NOW,
    };
    const c = planLeaseBalance({ ...input, workerId: 'c', maxShardConsumers: 1 });
    expect(c).toMatchObject({ target: 1, release: ['shard-01', 'shard-02'], acquire: [] });
    // The others plan for c's cap, not its holdings: 4 each, the 2 free shards and c's excess.
    const a = planLeaseBalance({ ...input, workerId: 'a' });
    expect(a).toMatchObject({ target: 4, acquire: ['shard-07', 'shard-08'] });
  });

  it('does not hand a shard over to a requester at its published cap', () => {
    const leases = heldAs(6, { a: 5, c: 1 }).map((lease) =>
      lease.shardId === 'shard-00' ? { ...lease, handoff: { requester: 'c', deadline: NOW + 5 } } : lease,
    );
    const input = { workerId: 'a', openShards: shards(6), leases, liveWorkers: ['a', 'c'], now: NOW };
    expect(
      planLeaseBalance({ ...input, workerCaps: [{ workerId: 'c', maxShardConsumers: 1 }] }).handOver,
    ).toEqual([]);
    expect(planLeaseBalance(input).handOver).toEqual([{ shardId: 'shard-00', requester: 'c' }]);
  });

  it('ignores a published entry that is no cap', () => {
    const plan = planLeaseBalance({
      workerId: 'a',
      openShards: shards(4),
      leases: [],
      liveWorkers: ['a', 'b'],
      workerCaps: [{ workerId: 'b', maxShardConsumers: 0 }],
      now: NOW,
    });
    expect(plan.target).toBe(2);
  });
});

describe('a group with mixed caps, every worker following its plan', () => {
  it.each([
    ['9 shards, caps 1 / - / -', 9, [1, undefined, undefined], [1, 4, 4]],
    ['8 shards, caps 1 / 2 / -', 8, [1, 2, undefined], [1, 2, 5]],
    ['12 shards, caps 2 / 2 / - / -', 12, [2, 2, undefined, undefined], [2, 2, 4, 4]],
  ])('%s: every shard read', (_name, total, caps, expected) => {
    const sim = new LeaseGroupSimulation(shards(total)).join(
      ...caps.map((cap, i) => ({ id: `w${i}`, ...(cap !== undefined ? { cap } : {}) })),
    );
    expect(sim.settle()).toBe(true);
    expect(sim.counts()).toEqual(expected);
    expect(sim.unowned()).toBe(0);
  });

  it('takes the shards a capped worker gives up when it restarts with a lower cap', () => {
    const initial = Object.fromEntries(shards(9).map((shardId, i) => [shardId, `w${i % 3}`]));
    const sim = new LeaseGroupSimulation(shards(9), initial).join(
      { id: 'w0', cap: 1 },
      { id: 'w1' },
      { id: 'w2' },
    );
    expect(sim.settle()).toBe(true);
    expect(sim.counts()).toEqual([1, 4, 4]);
    expect(sim.bouncedShards()).toEqual([]);
  });

  it('after a reshard, takes the new shards by its share without a single handoff', () => {
    const sim = new LeaseGroupSimulation(shards(9)).join({ id: 'w0', cap: 1 }, { id: 'w1' }, { id: 'w2' });
    expect(sim.settle()).toBe(true);
    const requests = sim.handoffRequests;
    const children = Array.from({ length: 9 }, (_, i) => `child-${i}`);
    sim.reshard(children);
    expect(sim.settle()).toBe(true);
    expect(sim.counts()).toEqual([1, 4, 4]);
    expect(sim.unowned()).toBe(0);
    expect(sim.handoffRequests).toBe(requests);
  });

  it('seeded random groups: all shards held when capacity allows, no cap exceeded, no thrash', () => {
    const random = seededRandom(4242);
    const pick = (n: number) => Math.floor(random() * n);
    for (let run = 0; run < 400; run += 1) {
      const workers: SimWorker[] = Array.from({ length: 1 + pick(6) }, (_, i) => ({
        id: `w${i}`,
        ...(random() < 0.4 ? {} : { cap: 1 + pick(5) }),
      }));
      let total = 1 + pick(24);
      let open = shards(total);
      // Half the runs start from a random holding (caps possibly exceeded), half from nothing.
      const initial: Record<string, string> = {};
      if (random() < 0.5)
        for (const shardId of open)
          if (random() < 0.7) initial[shardId] = (workers[pick(workers.length)] as SimWorker).id;
      // Some workers join a few rounds late.
      const early = workers.filter((_, i) => i === 0 || random() < 0.7);
      const late = workers.filter((worker) => !early.includes(worker));
      const sim = new LeaseGroupSimulation(open, initial).join(...early);
      for (let i = 0; i < 3; i += 1) sim.round();
      sim.join(...late);
      const order = [...early, ...late];

      let description = `run ${run}: ${total} shards, caps ${order.map((w) => w.cap ?? '-').join('/')}`;
      expect({ description, settled: sim.settle() }).toEqual({ description, settled: true });
      if (random() < 0.3) {
        // A reshard: some shards close, new ones open (free).
        total = 1 + pick(24);
        open = [...open.filter(() => random() < 0.5), ...shards(total).map((id) => `${id}-r${run}`)].slice(
          -total,
        );
        total = open.length;
        sim.reshard(open);
        description += `, resharded to ${total}`;
        expect({ description, settled: sim.settle() }).toEqual({ description, settled: true });
      }
      const counts = sim.counts();
      const capacity = order.reduce((sum, worker) => sum + (worker.cap ?? Infinity), 0);
      // Settled for good: nothing moves in 40 more rounds (handoff deadlines, reservations run out).
      let moved = false;
      for (let i = 0; i < 40; i += 1) moved = sim.round() || moved;
      // A shard may come back once when late joiners take from the worker that gave it away;
      // in a group together from the start it never returns to an earlier owner.
      const together = late.length === 0 && !description.includes('resharded');
      const report = {
        description,
        counts,
        unowned: sim.unowned(),
        moved,
        thrashed: sim.thrashedShards(),
        bounced: together ? sim.bouncedShards() : [],
      };
      expect(report).toEqual({
        description,
        counts: counts.map((count, i) => Math.min(count, order[i]?.cap ?? Infinity)),
        unowned: Math.max(0, total - capacity),
        moved: false,
        thrashed: [],
        bounced: [],
      });
    }
  });
});
