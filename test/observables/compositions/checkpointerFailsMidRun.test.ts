// A checkpointer without lease coordination (MemoryCheckpointer, or a store of the user's own)
// that starts failing while the consumer holds its leases. Only the lease acquisitions used to
// count towards checkpointerTimeoutMs, and those run only for shards not held: the failing
// renewals and position writes were reported as error-retried alone, so the consumer kept reading
// (and processing records whose positions could not be stored) until the lease deadline passed,
// a whole lease duration later. A closed checkpointer was not noticed "at once" either.
import { concatMap, type Subscription } from 'rxjs';
import {
  checkpoint,
  CheckpointerClosedError,
  CheckpointerMisconfiguredError,
  CheckpointerUnavailableError,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type CheckpointPosition,
  type Lease,
  type ShardCheckpoint,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** Renewals come every third of this: none within the test. */
const LEASE_DURATION_MS = 600_000;

/** A MemoryCheckpointer whose store can go down: every call then fails as an unreachable store's. */
class OutageCheckpointer extends MemoryCheckpointer {
  down = false;

  constructor() {
    super({ leaseDurationMs: LEASE_DURATION_MS });
  }

  private up(): void {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }

  override async getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    this.up();
    return super.getCheckpoint(streamName, shardId);
  }

  override async acquireLease(
    streamName: string,
    shardId: string,
    owner: string,
  ): Promise<Lease | undefined> {
    this.up();
    return super.acquireLease(streamName, shardId, owner);
  }

  override async renewLease(lease: Lease): Promise<Lease> {
    this.up();
    return super.renewLease(lease);
  }

  override async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.up();
    return super.checkpoint(lease, position);
  }
}

/**
 * Runs a consumer over a stream written to all along, breaks the checkpointer once a position
 * was written, and returns the Observable's error.
 */
async function breakMidRun(checkpointer: MemoryCheckpointer, breakIt: () => Promise<void>) {
  const streamName = uniqueStreamName('checkpointer-fails');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    checkpointerTimeoutMs: 1_000,
  });
  let written = false;
  const events = consumer.events$.subscribe((event) => {
    if (event.type === 'checkpoint-written') written = true;
  });
  let error: unknown;
  let subscription: Subscription | undefined;
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i += 1) {
      await putRecords(client, streamName, [`${i}`]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  try {
    subscription = consumer
      .pipe(
        deserialize(),
        concatMap(async (item) => item),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({
        error: (e: unknown) => (error = e),
      });
    await waitFor(() => written, { timeoutMs: 30_000, message: () => 'no position written' });
    await breakIt();
    // The lease deadline (what used to stop the consumer) is minutes away; a loaded machine
    // still notices a failing store within seconds.
    await waitFor(() => error !== undefined, {
      timeoutMs: 30_000,
      message: () => 'the consumer still runs 30 s after its checkpointer started failing',
    });
    return { error };
  } finally {
    writing = false;
    await writer;
    subscription?.unsubscribe();
    events.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
}

test('a store that goes down while the leases are held: CheckpointerUnavailableError after checkpointerTimeoutMs', async () => {
  const checkpointer = new OutageCheckpointer();
  const { error } = await breakMidRun(checkpointer, async () => {
    checkpointer.down = true;
  });
  expect(error).toBeInstanceOf(CheckpointerUnavailableError);
  expect(error).not.toBeInstanceOf(CheckpointerMisconfiguredError);
  // Counted from the last call that succeeded (a position write just before the outage).
  expect((error as CheckpointerUnavailableError).message).toMatch(/unreachable for 1000 ms.*ECONNREFUSED/);
});

test('a checkpointer closed while the consumer runs: CheckpointerMisconfiguredError at the next write', async () => {
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_DURATION_MS });
  const { error } = await breakMidRun(checkpointer, () => checkpointer.close());
  expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
  expect((error as CheckpointerMisconfiguredError).cause).toBeInstanceOf(CheckpointerClosedError);
});
