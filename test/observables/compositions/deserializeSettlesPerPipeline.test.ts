// Case: deserialize() settles a record that yields no item (dead-lettered, or empty) for its own
// pipeline only. Two pipelines read one tracked consumer: A deserializes (dead-lettering or
// skipping record 10) and checkpoints; B does slow work on the raw records and checkpoints. No
// position may be stored past record 10 before B finished it. Once A's deserialize() settled
// record 10 for every pipeline, and B's next commit stored it while B was still working on it.
import { concatMap, map, tap, timer, type Subscription } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonListProcessor,
  MemoryCheckpointer,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

/** What record 10 holds: something that does not decode (dead-lettered), or an empty list (no item). */
const yieldsNoItem: Record<string, string> = {
  'a dead-lettered record': 'not json{',
  'an empty record': '[]',
};

test.each(Object.keys(yieldsNoItem))(
  '%s settled by one pipeline is not committed while another pipeline still works on it',
  async (kind) => {
    const streamName = uniqueStreamName('settle-per-pipeline');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const data = Array.from({ length: 20 }, (_, i) => (i === 10 ? (yieldsNoItem[kind] as string) : `[${i}]`));
    const written = await putRecords(client, streamName, data);

    const decoded = new ProcessedLedger(); // pipeline A: every item passed, or the record dead-lettered
    const worked = new ProcessedLedger(); // pipeline B: slow work on each raw record
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => [decoded.snapshot(shardId), worked.snapshot(shardId)],
    });
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer,
    });
    const empty = written[10];
    const subscriptions: Subscription[] = [];
    try {
      subscriptions.push(
        consumer
          .pipe(
            // An empty record needs no work in A: it is done as soon as A sees it.
            tap((record) => {
              if (kind === 'an empty record' && record.sequenceNumber === empty?.sequenceNumber)
                decoded.add(record.shardId, record.sequenceNumber);
            }),
            deserialize(jsonListProcessor(), {
              onDecodeError: (_error, record) => decoded.add(record.shardId, record.sequenceNumber),
            }),
            tap((item) => decoded.add(item.shardId, item.sequenceNumber)),
            checkpoint({ batchSize: 1, intervalMs: 50 }),
          )
          .subscribe(),
      );
      subscriptions.push(
        consumer
          .pipe(
            concatMap((record) =>
              timer(40).pipe(
                map(() => {
                  worked.add(record.shardId, record.sequenceNumber);
                  return record;
                }),
              ),
            ),
            checkpoint({ batchSize: 1, intervalMs: 50 }),
          )
          .subscribe(),
      );
      await waitFor(() => worked.size >= written.length && decoded.size >= written.length, {
        timeoutMs: 30_000,
        message: () => `A finished ${decoded.size}, B finished ${worked.size} of ${written.length} records`,
      });
      expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
      // Both pipelines finished everything: the position reaches the last record.
      const last = written.at(-1)?.sequenceNumber;
      let stored: unknown;
      await waitFor(
        async () => {
          stored = await checkpointer.getCheckpoint(streamName, 'shardId-000000000000');
          return (
            JSON.stringify(stored) ===
            JSON.stringify({ kind: 'position', position: { sequenceNumber: last } })
          );
        },
        { timeoutMs: 20_000, message: () => `stored ${JSON.stringify(stored)}, expected ${last}` },
      );
      expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await consumer.stopped();
      client.destroy();
    }
  },
);
