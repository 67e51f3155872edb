// A worker whose wall clock is stepped while it runs (an NTP correction of a clock that was off by
// seconds, a virtual machine resumed): a DynamoDBCheckpointer judges leases, heartbeats and
// handoff requests by how long it watched them stand still, so a step forward of its wall clock
// must not make another worker's live lease look expired.
// The wall clock (Date.now) is stepped here; the owner runs on a clock of its own that the step
// does not touch, as another machine's would.
import { performance } from 'node:perf_hooks';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';
/** Longer than the test's calls could take on a loaded machine: no lease runs out within it. */
const FAILOVER_MS = 60_000;
/** The step of the wall clock: more than a failover time. */
const STEP_MS = FAILOVER_MS + 5_000;

let dynamo: TestDynamoDB;
const opened: DynamoDBCheckpointer[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(opened.splice(0).map((checkpointer) => checkpointer.close()));
});

afterAll(async () => {
  await dynamo.close();
});

function worker(tableName: string, now?: () => number): DynamoDBCheckpointer {
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
    failoverTimeMs: FAILOVER_MS,
    ...(now === undefined ? {} : { now }),
  });
  opened.push(checkpointer);
  return checkpointer;
}

/** How far this process's wall clock (Date.now, once wallClockSteps() ran) has been stepped. */
let stepped = 0;

/** From now on Date.now is the wall clock plus the steps taken (stepWallClock). */
function wallClockSteps(): void {
  stepped = 0;
  const wall = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => wall() + stepped);
}

/** Steps this process's wall clock by `ms`. */
function stepWallClock(ms: number): void {
  stepped += ms;
}

describe('DynamoDBCheckpointer on a worker whose wall clock is stepped', () => {
  it("stepped forward past a failover time: another worker's live lease is not taken", async () => {
    const tableName = uniqueTableName('clock-step');
    // The owner's machine keeps its own time.
    const ownerClock = () => performance.timeOrigin + performance.now();
    const owner = worker(tableName, ownerClock);
    wallClockSteps();
    const observer = worker(tableName);
    const lease = await owner.acquireLease(STREAM, SHARD, 'worker-a');
    if (lease === undefined) throw new Error('expected the free lease');
    // The observer sees the lease held, live.
    await expect(observer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    expect((await observer.leaseSnapshot(STREAM)).leases[0]?.owner).toBe('worker-a');

    // The observer's wall clock steps forward before its next look; the owner took its lease well
    // under a failover time ago, and renews it on time: it is still its owner's.
    stepWallClock(STEP_MS);
    expect((await observer.leaseSnapshot(STREAM)).leases[0]?.owner).toBe('worker-a');
    await expect(observer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    await expect(owner.renewLease(lease)).resolves.toMatchObject({ owner: 'worker-a' });
  });
});
