// A handoff never gives a shard away mid-record: the owner's handler is slow, so when a new worker
// asks for a shard, its records in flight cannot pass checkpoint() within the drain timeout. The
// owner then keeps the lease (handoff-timeout, request withdrawn, no takeover) and hands the shard
// over only once every record in flight was processed and checkpointed: no record is processed
// by two workers. Once the lease was released after the drain timeout with records in flight.
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { describeHoldings, duplicateRecords, missingRecords, shape } from './deliveryReport.js';
import { startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a handoff waits for the records in flight', () => {
  it('keeps the lease past the drain timeout and hands over only when drained: nothing is processed twice', async () => {
    redis = await startTestRedis();
    // 150 ms per item: the 60 records in flight take ~9 s, far beyond the 2 s drain timeout.
    fixture = await startGroupFixture(redis.url, 2, { handlerDelayMs: 150 });
    const { feed, group, leases } = fixture;

    await feed.put(60);
    await group.start('w1');
    await waitUntil(
      async () => shape(await leases.look()) === '2',
      20_000,
      () => describeHoldings(leases.last),
    );
    await waitUntil(
      () => group.processed.length >= 5,
      20_000,
      () => `w1 processed ${group.processed.length}`,
    );
    await group.start('w2');
    await waitUntil(
      () => group.eventsOf('handoff-timeout', 'w1').length >= 1,
      20_000,
      () => `no handoff-timeout from w1 (${describeHoldings(leases.last)})`,
    );
    // The owner still holds both shards: the newcomer did not take one over mid-record.
    expect(shape(await leases.look())).toBe('2/0');
    await waitUntil(
      async () => shape(await leases.look()) === '1/1',
      60_000,
      () => `after the drain: ${describeHoldings(leases.last)}`,
    );
    const handedToW2 = group.eventsOf('handoff-completed').filter((e) => e.event.requester === 'w2');
    expect(handedToW2.length).toBeGreaterThanOrEqual(1);
    expect(handedToW2.every((e) => e.event.drained === true)).toBe(true);

    await feed.put(20);
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      60_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
    );
    expect(duplicateRecords(group.processed)).toEqual([]);
    expect(group.eventsOf('lease-lost')).toEqual([]);
    expect(group.failures).toEqual([]);
  }, 150_000);
});
