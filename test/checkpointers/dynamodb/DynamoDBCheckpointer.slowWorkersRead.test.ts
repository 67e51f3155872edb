// A read of the workers table that is slow to come back may show a heartbeat written after the
// read was sent. A worker's liveness counts from when the answer came, as a lease counter's does
// (see DynamoDBCheckpointer.slowRead): else a live worker is judged gone before one ttl passed
// since its heartbeat (its item deleted, a handoff to it not reserved). The table sits behind the
// fault proxy, which holds the observer's read while the worker heartbeats straight at the table.
import type { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const FAILOVER_MS = 10_000;

const fixture = useDynamoDBFaultProxy({ failoverTimeMs: FAILOVER_MS });
const { worker } = fixture;

/** Lets the calls just made run up to their requests (the proxy holds them while paused). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * Whether `observer` judges worker-a live, by listing live workers or by a handoff release to it:
 * `prepare` runs before the read that is judged (a release's lease is taken first), `read` sends it.
 */
type Look = (observer: DynamoDBCheckpointer, shard: number) => Promise<() => Promise<boolean>>;

const byListing: Look = async (observer) => async () =>
  (await observer.liveWorkers(STREAM)).includes('worker-a');

const byRelease: Look = async (observer, shard) => {
  const lease = await observer.acquireLease(STREAM, `shardId-00000000000${shard}`, 'worker-b');
  if (lease === undefined) throw new Error('expected the free lease');
  return async () =>
    (await observer.releaseLease(lease, { handoffTo: 'worker-a' })).reservedFor === 'worker-a';
};

describe('DynamoDBCheckpointer: a slow read of the workers table', () => {
  it.each([
    ['liveWorkers', byListing],
    ['a release reserving the lease for it', byRelease],
  ])(
    'judges a heartbeat it shows from when the answer came (%s): the worker is not judged gone early',
    async (_name, look) => {
      const tableName = uniqueTableName('slow-workers');
      let clock = 1_000_000;
      const now = () => clock;
      const member = worker(tableName, { now }, true);
      const observer = worker(tableName, { now });
      await member.heartbeat(STREAM, 'worker-a');
      await expect(observer.liveWorkers(STREAM)).resolves.toEqual(['worker-a']);
      await observer.listLeases(STREAM); // the lease table is known to the observer

      // The observer's read is held on the way while the worker heartbeats (at +6 s).
      clock += 5_000;
      const read = await look(observer, 0);
      fixture.proxy.pause();
      const slow = read();
      await settle();
      clock += 1_000;
      await member.heartbeat(STREAM, 'worker-a');
      const beatAt = clock;
      fixture.proxy.resume();
      await expect(slow).resolves.toBe(true);

      // The worker stops; just before one ttl after its last heartbeat it is still live.
      clock = beatAt + FAILOVER_MS - 500;
      await expect((await look(observer, 1))()).resolves.toBe(true);
      clock = beatAt + FAILOVER_MS + 500;
      await expect((await look(observer, 2))()).resolves.toBe(false);
    },
  );
});
