// A lost lease is not taken straight back for one lease duration (recentlyLost). When the wall
// clock (the scheduler's now()) is set back after the loss, that wait must still end one lease
// duration later, not once the clock has caught up with the time of the loss again.
import { VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';

const SHARD = 'shardId-000000000000';

test('a lease lost before the clock was set back counts as recently lost for one lease duration only', async () => {
  let storeNow = 1_000_000;
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 10_000, now: () => storeNow });
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = 1_000_000;
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w1',
    scheduler,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
  await leases.acquire(SHARD);
  storeNow += 10_001;
  // Taken again: the old lease is reported lost at the scheduler's now().
  await leases.acquire(SHARD);
  expect(leases.recentlyLost(SHARD)).toBe(true);

  scheduler.frame -= 600_000; // the wall clock goes back ten minutes
  expect(leases.recentlyLost(SHARD)).toBe(true);
  scheduler.frame += 9_000;
  expect(leases.recentlyLost(SHARD)).toBe(true);
  scheduler.frame += 1_001;
  expect(leases.recentlyLost(SHARD)).toBe(false);
  await leases.releaseAll();
});
