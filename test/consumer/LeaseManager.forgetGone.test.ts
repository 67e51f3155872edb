import { VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';

test('forgetGone() drops what is kept of released shards gone from the stream, not of a held one', async () => {
  const scheduler = new VirtualTimeScheduler();
  const leases = new LeaseManager({
    checkpointer: new MemoryCheckpointer({ leaseDurationMs: 10_000 }),
    streamName: 'orders',
    workerId: 'w1',
    scheduler,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
  await leases.acquire('gone');
  await leases.release('gone');
  // released, then taken again: held now, its last release still kept
  await leases.acquire('held');
  await leases.release('held');
  await leases.acquire('held');
  expect(leases.lastReleasedAt('gone')).toBe(0);
  expect(leases.lastReleasedAt('held')).toBe(0);

  leases.forgetGone(() => true);
  expect(leases.lastReleasedAt('gone')).toBeUndefined();
  expect(leases.lastReleasedAt('held')).toBe(0);
  await leases.releaseAll();
});
