import { randomUUID } from 'node:crypto';
import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { isLeaseCoordinator, type LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';

/** A lease coordinator that also says how long an unused handoff reservation lasts. */
export type ReservingLeaseCoordinator = LeaseCoordinator & { readonly handoffReservationMs: number };

export interface LeaseCoordinatorSetup {
  /** Session (lease/failover) time the factory must configure. */
  readonly sessionMs: number;
  /** Heartbeat interval the factory must configure. */
  readonly heartbeatIntervalMs: number;
  /** Handoff timeout the factory must configure. */
  readonly handoffTimeoutMs: number;
}

export interface LeaseCoordinatorConformanceOptions {
  /** Whether the store reports the last owner of a lease that ran out (`LeaseState.lapsedOwner`). */
  readonly reportsLapsedOwner: boolean;
}

const SHARD = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
// Sized for a loaded 2-core machine, where one store call can take several hundred ms (the DynamoDB
// runner's dynalite shares the test's starved process): every check that something is still live
// (a lease, a heartbeat, a handoff request, a reservation) comes within a few calls of the write
// that made it, and those calls must fit well inside these times. A store call also gives up after
// half a session by default.
const SESSION_MS = 4000;
const HANDOFF_MS = 2000;
// A handoff timeout must exceed two heartbeats (the owner's withdrawal margin and the late sight of a request).
const HEARTBEAT_MS = 800;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The lease-coordination behaviour (membership, handoff, snapshots) every LeaseCoordinator must
 * show, under real time. `create` builds a fresh coordinator for each test with the given timings;
 * it also receives `${streamName}-other` stream names. Server start/stop stays with the caller.
 */
export function describeLeaseCoordinatorConformance(
  name: string,
  create: (setup: LeaseCoordinatorSetup) => ReservingLeaseCoordinator,
  options: LeaseCoordinatorConformanceOptions,
): void {
  describe(`${name} as a LeaseCoordinator`, () => {
    let cp: ReservingLeaseCoordinator;
    let stream: string;

    beforeEach(() => {
      cp = create({ sessionMs: SESSION_MS, heartbeatIntervalMs: HEARTBEAT_MS, handoffTimeoutMs: HANDOFF_MS });
      stream = `stream-${randomUUID()}`;
    });

    afterEach(async () => {
      await cp.close();
    });

    async function mustAcquire(shardId: string, owner: string) {
      const lease = await cp.acquireLease(stream, shardId, owner);
      if (lease === undefined) throw new Error(`expected ${owner} to acquire ${shardId}`);
      return lease;
    }

    it('is recognised by isLeaseCoordinator (and the memory checkpointer is not)', () => {
      expect(isLeaseCoordinator(cp)).toBe(true);
      expect(isLeaseCoordinator(new MemoryCheckpointer())).toBe(false);
      expect(cp).toMatchObject({
        leaseDurationMs: SESSION_MS,
        heartbeatIntervalMs: HEARTBEAT_MS,
        handoffTimeoutMs: HANDOFF_MS,
      });
    });

    describe('membership', () => {
      it('lists workers while their heartbeat lasts and forgets them after', async () => {
        const before = Date.now();
        const expiresAt = await cp.heartbeat(stream, 'worker-b');
        expect(expiresAt).toBeGreaterThanOrEqual(before + SESSION_MS - 1000);
        await cp.heartbeat(stream, 'worker-a');
        expect(await cp.liveWorkers(stream)).toEqual(['worker-a', 'worker-b']);
        expect(await cp.liveWorkers(`${stream}-other`)).toEqual([]);

        await sleep(SESSION_MS / 2);
        await cp.heartbeat(stream, 'worker-a');
        await sleep(SESSION_MS / 2 + 100);
        expect(await cp.liveWorkers(stream)).toEqual(['worker-a']);
      });

      it('forgets a worker at once when it leaves', async () => {
        await cp.heartbeat(stream, 'worker-a');
        await cp.heartbeat(stream, 'worker-b');
        await cp.leaveGroup(stream, 'worker-a');
        expect(await cp.liveWorkers(stream)).toEqual(['worker-b']);
      });

      it('reports the caps live workers published with their heartbeat', async () => {
        // A long session, so that every worker below is surely live at each read.
        const long = create({
          sessionMs: 30_000,
          heartbeatIntervalMs: HEARTBEAT_MS,
          handoffTimeoutMs: HANDOFF_MS,
        });
        try {
          await long.heartbeat(stream, 'worker-b', { maxShardConsumers: 2 });
          await long.heartbeat(stream, 'worker-a', { maxShardConsumers: 1 });
          await long.heartbeat(stream, 'worker-c'); // no cap: an older worker
          await long.heartbeat(stream, 'worker-d', { maxShardConsumers: Infinity });
          await long.heartbeat(stream, 'worker-e', { maxShardConsumers: 3 });
          expect((await long.leaseSnapshot(stream)).workerCaps).toEqual([
            { workerId: 'worker-a', maxShardConsumers: 1 },
            { workerId: 'worker-b', maxShardConsumers: 2 },
            { workerId: 'worker-e', maxShardConsumers: 3 },
          ]);
          expect((await long.leaseSnapshot(`${stream}-other`)).workerCaps).toEqual([]);

          // A heartbeat without a cap clears it; one with another cap replaces it; leaving forgets it.
          await long.heartbeat(stream, 'worker-b');
          await long.heartbeat(stream, 'worker-a', { maxShardConsumers: 4 });
          await long.leaveGroup(stream, 'worker-e');
          const snapshot = await long.leaseSnapshot(stream);
          expect(snapshot.liveWorkers).toEqual(['worker-a', 'worker-b', 'worker-c', 'worker-d']);
          expect(snapshot.workerCaps).toEqual([{ workerId: 'worker-a', maxShardConsumers: 4 }]);
        } finally {
          await long.close();
        }
      });

      it("forgets a worker's cap when its heartbeat runs out, for good", async () => {
        await cp.heartbeat(stream, 'worker-a', { maxShardConsumers: 4 });
        // worker-b keeps beating (its last beat just before the read) while worker-a runs out.
        const aOut = Date.now() + SESSION_MS + 100;
        while (Date.now() < aOut) {
          await cp.heartbeat(stream, 'worker-b', { maxShardConsumers: 5 });
          await sleep(HEARTBEAT_MS / 2);
        }
        await cp.heartbeat(stream, 'worker-b', { maxShardConsumers: 5 });
        const snapshot = await cp.leaseSnapshot(stream);
        expect(snapshot.liveWorkers).toEqual(['worker-b']);
        expect(snapshot.workerCaps).toEqual([{ workerId: 'worker-b', maxShardConsumers: 5 }]);
        // Back without a cap: it has none.
        await cp.heartbeat(stream, 'worker-a');
        const back = await cp.leaseSnapshot(stream);
        expect(back.liveWorkers).toContain('worker-a');
        expect(back.workerCaps?.filter((cap) => cap.workerId === 'worker-a')).toEqual([]);
      });

      it('refuses a cap that is not a whole number >= 1 (or Infinity)', async () => {
        for (const bad of [0, -1, 1.5, Number.NaN, '2'])
          await expect(
            cp.heartbeat(stream, 'worker-a', { maxShardConsumers: bad as number }),
          ).rejects.toBeInstanceOf(InvalidOptionError);
        expect(await cp.liveWorkers(stream)).toEqual([]);
      });
    });

    describe('handoff', () => {
      it('records a request only on a lease someone else holds live', async () => {
        expect(await cp.requestHandoff(stream, SHARD, 'worker-b')).toEqual({ status: 'free' });
        await mustAcquire(SHARD, 'worker-a');
        expect(await cp.requestHandoff(stream, SHARD, 'worker-a')).toEqual({
          status: 'own',
          owner: 'worker-a',
        });

        const first = await cp.requestHandoff(stream, SHARD, 'worker-b');
        expect(first).toMatchObject({ status: 'requested', owner: 'worker-a' });
        if (first.status !== 'requested') throw new Error('unreachable');
        expect(await cp.requestHandoff(stream, SHARD, 'worker-b')).toEqual({
          status: 'already-requested',
          owner: 'worker-a',
          deadline: first.deadline,
        });
        expect(await cp.requestHandoff(stream, SHARD, 'worker-c')).toEqual({
          status: 'other-request-pending',
          owner: 'worker-a',
          requester: 'worker-b',
          deadline: first.deadline,
        });
      });

      it('shows requests from live workers to the owner, who hands the lease over with a reservation', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await mustAcquire(SHARD_1, 'worker-a');
        await cp.checkpoint(lease, { sequenceNumber: '77' });
        await cp.heartbeat(stream, 'worker-b');
        await cp.requestHandoff(stream, SHARD, 'worker-b');
        await cp.requestHandoff(stream, SHARD_1, 'worker-dead'); // no heartbeat: not shown

        const [request, ...others] = await cp.pendingHandoffs(stream, 'worker-a');
        expect(others).toEqual([]);
        expect(request).toMatchObject({
          streamName: stream,
          shardId: SHARD,
          owner: 'worker-a',
          requester: 'worker-b',
        });
        expect(await cp.pendingHandoffs(stream, 'worker-b')).toEqual([]);

        expect(await cp.releaseLease(lease, { handoffTo: request.requester })).toEqual({
          reservedFor: 'worker-b',
        });
        expect(await cp.pendingHandoffs(stream, 'worker-a')).toEqual([]);
        // Reserved: a third worker cannot grab it, the requester can.
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toBeUndefined();
        const taken = await mustAcquire(SHARD, 'worker-b');
        expect(taken.token).not.toBe(lease.token);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '77' },
        });
      });

      it('frees a reservation nobody used once it runs out', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.heartbeat(stream, 'worker-b');
        expect(await cp.releaseLease(lease, { handoffTo: 'worker-b' })).toEqual({ reservedFor: 'worker-b' });
        expect((await cp.leaseSnapshot(stream)).leases).toEqual([
          { shardId: SHARD, reservation: { worker: 'worker-b', until: expect.any(Number) } },
        ]);
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toBeUndefined();
        await sleep(cp.handoffReservationMs + 50);
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toMatchObject({ owner: 'worker-c' });
      });

      it('reserves a released lease only for a requester whose heartbeat is live at the release', async () => {
        // Never heartbeated, or left the group: released to anyone at once.
        const first = await mustAcquire(SHARD, 'worker-a');
        expect(await cp.releaseLease(first, { handoffTo: 'worker-never' })).toEqual({
          reservedFor: undefined,
        });
        expect((await cp.leaseSnapshot(stream)).leases).toEqual([]);
        await cp.heartbeat(stream, 'worker-left');
        const second = await mustAcquire(SHARD, 'worker-c');
        await cp.leaveGroup(stream, 'worker-left');
        expect(await cp.releaseLease(second, { handoffTo: 'worker-left' })).toEqual({
          reservedFor: undefined,
        });
        const third = await mustAcquire(SHARD, 'worker-a');

        // A requester whose heartbeat ran out while the owner still held the lease (it died while
        // the owner drained its records): no reservation either.
        await cp.heartbeat(stream, 'worker-b');
        const heartbeatEnd = Date.now() + SESSION_MS + 100;
        while (Date.now() < heartbeatEnd) {
          await cp.renewLease(third);
          await sleep(HEARTBEAT_MS);
        }
        expect(await cp.liveWorkers(stream)).toEqual([]);
        expect(await cp.releaseLease(third, { handoffTo: 'worker-b' })).toEqual({ reservedFor: undefined });
        expect((await cp.leaseSnapshot(stream)).leases).toEqual([]);
        // Released already (the requester live again), or released without a requester: nothing
        // reserved either.
        await cp.heartbeat(stream, 'worker-b');
        expect(await cp.releaseLease(third, { handoffTo: 'worker-b' })).toEqual({ reservedFor: undefined });
        const fourth = await mustAcquire(SHARD, 'worker-a');
        expect(await cp.releaseLease(fourth, {})).toEqual({ reservedFor: undefined });
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toMatchObject({ owner: 'worker-c' });
      });

      it('lets the requester take the lease over once the deadline passed, and not before', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.requestHandoff(stream, SHARD, 'worker-b');
        expect(await cp.acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
        await sleep(HANDOFF_MS / 2);
        await cp.renewLease(lease); // the owner is alive but ignores the request
        await sleep(HANDOFF_MS / 2 + 50);
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toBeUndefined();
        const taken = await mustAcquire(SHARD, 'worker-b');
        expect(taken.token).not.toBe(lease.token);

        const error = await cp.renewLease(lease).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LeaseLostError);
        expect((error as LeaseLostError).actualOwner).toBe('worker-b');
        expect(await cp.listLeases(stream)).toEqual([
          { shardId: SHARD, owner: 'worker-b', expiresAt: taken.expiresAt },
        ]);
      });

      it('ignores a stale request: no takeover after twice the timeout', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.requestHandoff(stream, SHARD, 'worker-b');
        await sleep(HANDOFF_MS);
        await cp.renewLease(lease);
        await sleep(HANDOFF_MS + 50);
        await cp.renewLease(lease);
        expect(await cp.acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
        expect((await cp.leaseSnapshot(stream)).leases[0].handoff).toBeUndefined();
        expect(await cp.requestHandoff(stream, SHARD, 'worker-c')).toMatchObject({ status: 'requested' });
      });

      it('withdraws a request or a reservation with cancelHandoff', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.requestHandoff(stream, SHARD, 'worker-b');
        expect(await cp.cancelHandoff(stream, SHARD, 'worker-c')).toBe(false);
        expect(await cp.cancelHandoff(stream, SHARD, 'worker-b')).toBe(true);
        await cp.heartbeat(stream, 'worker-b');
        expect(await cp.pendingHandoffs(stream, 'worker-a')).toEqual([]);

        await cp.releaseLease(lease, { handoffTo: 'worker-b' });
        expect(await cp.cancelHandoff(stream, SHARD, 'worker-b')).toBe(true);
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toMatchObject({ owner: 'worker-c' });
      });
    });

    it('shows leases, checkpoints, requests and live workers in one snapshot', async () => {
      const a = await mustAcquire(SHARD, 'worker-a');
      const b = await mustAcquire(SHARD_1, 'worker-b');
      await cp.checkpoint(a, { sequenceNumber: '5', subSequenceNumber: 1 });
      await cp.markShardEnd(b);
      await cp.heartbeat(stream, 'worker-a');
      await cp.heartbeat(stream, 'worker-c');
      const request = await cp.requestHandoff(stream, SHARD, 'worker-c');
      const snapshot = await cp.leaseSnapshot(stream);
      expect(Math.abs(snapshot.now - Date.now())).toBeLessThan(5_000);
      expect(snapshot).toEqual({
        now: snapshot.now,
        liveWorkers: ['worker-a', 'worker-c'],
        workerCaps: [],
        leases: [
          {
            shardId: SHARD,
            owner: 'worker-a',
            expiresAt: a.expiresAt,
            checkpoint: { kind: 'position', position: { sequenceNumber: '5', subSequenceNumber: 1 } },
            handoff: {
              requester: 'worker-c',
              deadline: request.status === 'requested' ? request.deadline : -1,
            },
          },
          { shardId: SHARD_1, owner: 'worker-b', expiresAt: b.expiresAt, checkpoint: { kind: 'shard-end' } },
        ],
      });
    });

    it('validates the coordination arguments', async () => {
      await expect(cp.heartbeat(stream, '')).rejects.toThrow(/workerId/);
      await expect(cp.requestHandoff(stream, SHARD, '')).rejects.toThrow(/requester/);
      const lease = await mustAcquire(SHARD, 'worker-a');
      await expect(cp.releaseLease(lease, { handoffTo: '' })).rejects.toThrow(/handoffTo/);
    });

    if (options.reportsLapsedOwner) {
      it('names the last owner of a lease that ran out (lapsedOwner), not of one released', async () => {
        await mustAcquire(SHARD, 'worker-a');
        const released = await mustAcquire(SHARD_1, 'worker-b');
        await cp.releaseLease(released);
        expect((await cp.leaseSnapshot(stream)).leases).toEqual([
          expect.objectContaining({ shardId: SHARD, owner: 'worker-a' }),
        ]);
        await sleep(SESSION_MS + 100);
        const leases = (await cp.leaseSnapshot(stream)).leases;
        expect(leases).toEqual([{ shardId: SHARD, lapsedOwner: 'worker-a' }]);
        // Taking the lease again clears it.
        await mustAcquire(SHARD, 'worker-b');
        expect((await cp.leaseSnapshot(stream)).leases[0]?.lapsedOwner).toBeUndefined();
      });
    }
  });
}
