// Case: records of several JSON lines each, `deserialize(), concatMap(work), checkpoint(), retry()`
// where the work fails once in the middle of a record (immediately resubscribed, or after a
// delay). Each failure ends the run with only a prefix of that record's items done: the position
// stored may cover those items, never the failed one or a later one, and the next run resumes
// inside the record. Every item is handled, none stored before it was handled.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { concatMap, from, map, retry, type Subscription } from 'rxjs';
import {
  checkpoint,
  comparePositions,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
  type CheckpointPosition,
  type Checkpointer,
  type Lease,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const RECORDS = 6;
const LINES = 5;

/** Positions written, each with the items handled at the time of the call. */
class WatchedCheckpointer extends MemoryCheckpointer {
  readonly writes: { position: CheckpointPosition; handled: ReadonlySet<string> }[] = [];

  constructor(private readonly handled: Set<string>) {
    super();
  }

  override checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.writes.push({ position, handled: new Set(this.handled) });
    return super.checkpoint(lease, position);
  }
}

test.each([
  ['retry(2), resubscribed at once', { count: 2 }],
  ['retry({ count: 2, delay: 50 })', { count: 2, delay: 50 }],
])(
  '%s after a failure inside an aggregated record: every item handled, nothing stored ahead',
  async (_name, config) => {
    const streamName = uniqueStreamName('aggregated-retry');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: Array.from({ length: RECORDS }, (_, r) => ({
          PartitionKey: 'k',
          Data: Buffer.from(
            Array.from({ length: LINES }, (_, i) => `${JSON.stringify(r * LINES + i)}\n`).join(''),
          ),
        })),
      }),
    );
    client.destroy();
    const sequenceNumbers = (out.Records ?? []).map((entry) => entry.SequenceNumber as string);
    const key = (sequenceNumber: string, sub: number) => `${sequenceNumber}/${sub}`;

    const handled = new Set<string>();
    const checkpointer: Checkpointer & { writes: WatchedCheckpointer['writes'] } = new WatchedCheckpointer(
      handled,
    );
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      processor: jsonLineProcessor(),
      checkpointer,
    });
    // Fails once on item 2 of record 1 and once on item 4 of record 3.
    const failOn = new Set([LINES + 2, 3 * LINES + 4]);
    let failures = 0;
    let subscription: Subscription | undefined;
    let failure: unknown;
    try {
      subscription = consumer
        .pipe(
          deserialize<number>(),
          concatMap((item) =>
            from(Promise.resolve(item)).pipe(
              map((done) => {
                if (failOn.delete(done.data)) {
                  failures += 1;
                  throw new Error(`work failed on ${done.data}`);
                }
                handled.add(key(done.sequenceNumber, done.subSequenceNumber));
                return done;
              }),
            ),
          ),
          checkpoint({ batchSize: 2, intervalMs: 0 }),
          retry(config),
        )
        .subscribe({ error: (error: unknown) => (failure = error) });
      await waitFor(() => handled.size === RECORDS * LINES || failure !== undefined, {
        timeoutMs: 30_000,
        message: () => `handled ${handled.size} of ${RECORDS * LINES}`,
      });
    } finally {
      subscription?.unsubscribe();
      await consumer.stopped();
    }
    expect(failure).toBeUndefined();
    expect(failures).toBe(2);
    expect(handled.size).toBe(RECORDS * LINES);
    const ahead = checkpointer.writes.filter(({ position, handled: seen }) =>
      sequenceNumbers.some((sequenceNumber) =>
        Array.from({ length: LINES }, (_, sub) => sub).some(
          (sub) =>
            comparePositions({ sequenceNumber, subSequenceNumber: sub }, position) <= 0 &&
            !seen.has(key(sequenceNumber, sub)),
        ),
      ),
    );
    expect(ahead).toEqual([]);
    expect(checkpointer.writes.length).toBeGreaterThan(0);
  },
);
