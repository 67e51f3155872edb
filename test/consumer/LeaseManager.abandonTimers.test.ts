// abandon() (a consumer's stop past finalWritesTimeoutMs) leaves nothing of the manager running.
// Each acquisition or renewal counts its lease's expiry from its send, on a timer started before
// its answer; once the stop is cut short, the checkpointer's calls under way are never answered
// (CheckpointerFence), so the timer of such a call must end with the manager, not one lease
// duration later (it would keep the process alive that long after stopped() resolved).
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';

const SHARD = 'shardId-000000000000';
const OTHER = 'shardId-000000000001';

/** A memory checkpointer whose acquisitions and renewals never answer once `hang` is set. */
class Hanging extends MemoryCheckpointer {
  hang = false;
  renewals = 0;

  override acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    return this.hang ? new Promise(() => undefined) : super.acquireLease(streamName, shardId, owner);
  }

  override renewLease(lease: Lease): Promise<Lease> {
    this.renewals += 1;
    return this.hang ? new Promise<Lease>(() => undefined) : super.renewLease(lease);
  }
}

function manager(checkpointer: MemoryCheckpointer): LeaseManager {
  return new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w1',
    scheduler: asyncScheduler,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterEach(() => {
  jest.useRealTimers();
});

test('abandoned with a renewal under way that never answers: no timer is left', async () => {
  const checkpointer = new Hanging({ leaseDurationMs: 9_000 });
  const leases = manager(checkpointer);
  await leases.acquire(SHARD);
  checkpointer.hang = true;
  await jest.advanceTimersByTimeAsync(3_100); // the renewal sent at 3 s waits for its answer
  expect(checkpointer.renewals).toBe(1);

  expect(leases.abandon()).toEqual([SHARD]);
  expect(jest.getTimerCount()).toBe(0);
});

test('abandoned with an acquisition under way that never answers: no timer is left', async () => {
  const checkpointer = new Hanging({ leaseDurationMs: 9_000 });
  const leases = manager(checkpointer);
  checkpointer.hang = true;
  void leases.acquire(OTHER);
  await jest.advanceTimersByTimeAsync(100);

  expect(leases.abandon()).toEqual([OTHER]);
  expect(jest.getTimerCount()).toBe(0);
});
