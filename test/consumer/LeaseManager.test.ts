// Lease events: every lease-acquired of a shard ends with exactly one lease-released or lease-lost.
import { VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';

const SHARD = 'shardId-000000000000';

test('a lease taken again while the old one is still held here closes the old one with lease-lost first', async () => {
  let storeNow = 1_000_000;
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 10_000, now: () => storeNow });
  const events: ConsumerEvent[] = [];
  const lost: string[] = [];
  // The consumer's clock does not move: its watchdog has not noticed the old lease run out (as
  // after a stalled event loop) when the store gives the lease out again.
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w1',
    scheduler: new VirtualTimeScheduler(),
    onEvent: (event) => events.push(event),
    onLost: (shardId) => lost.push(shardId),
  });
  const first = await leases.acquire(SHARD);
  storeNow += 10_001;
  const second = await leases.acquire(SHARD);

  expect(second?.token).not.toBe(first?.token);
  expect(events.map((event) => event.type)).toEqual(['lease-acquired', 'lease-lost', 'lease-acquired']);
  expect(lost).toEqual([SHARD]);
  expect(leases.get(SHARD)?.token).toBe(second?.token);
  await leases.releaseAll();
  expect(events.map((event) => event.type)).toEqual([
    'lease-acquired',
    'lease-lost',
    'lease-acquired',
    'lease-released',
  ]);
});
