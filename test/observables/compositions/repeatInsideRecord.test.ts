// Case: one fromKinesis() instance, `deserialize(), concatMap(work), checkpoint(), take(3)`, run
// again and again by repeat() on one record of twelve JSON lines. Each run ends inside the record
// and the next one (started as the last one stops, on the same consumer) resumes right after the
// last item passed: every item once, in order, and the stored position follows the runs.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { concatMap, from, lastValueFrom, map, repeat, take, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';
const LINES = 12;

test('repeat() of take(3) runs on one consumer walks through an aggregated record, each item once', async () => {
  const streamName = uniqueStreamName('repeat-inside-record');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const { SequenceNumber: sequenceNumber } = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.from(Array.from({ length: LINES }, (_, i) => `${i}\n`).join('')),
    }),
  );
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: jsonLineProcessor(),
    checkpointer,
  });
  const stored: (number | undefined)[] = [];
  let items: number[];
  try {
    items = await lastValueFrom(
      consumer.pipe(
        deserialize<number>(),
        concatMap((item) => from(Promise.resolve(item))),
        checkpoint({ intervalMs: 0 }),
        take(3),
        map((item) => item.data),
        repeat({
          count: LINES / 3,
          delay: async () => {
            await consumer.stopped();
            const at = await checkpointer.getCheckpoint(streamName, SHARD);
            stored.push(at?.kind === 'position' ? at.position.subSequenceNumber : -1);
          },
        }),
        toArray(),
      ),
    );
  } finally {
    await consumer.stopped();
  }
  expect(items).toEqual(Array.from({ length: LINES }, (_, i) => i));
  expect(stored).toEqual([2, 5, 8]);
  expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber },
  });
});

test('repeat() resubscribing at once (no delay): every item once, in order', async () => {
  const streamName = uniqueStreamName('repeat-at-once');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.from(Array.from({ length: LINES }, (_, i) => `${i}\n`).join('')),
    }),
  );
  client.destroy();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: jsonLineProcessor(),
    checkpointer: new MemoryCheckpointer(),
  });
  let items: number[];
  try {
    items = await lastValueFrom(
      consumer.pipe(
        deserialize<number>(),
        concatMap((item) => from(Promise.resolve(item))),
        checkpoint({ intervalMs: 0 }),
        take(3),
        map((item) => item.data),
        repeat(LINES / 3),
        toArray(),
      ),
    );
  } finally {
    await consumer.stopped();
  }
  expect(items).toEqual(Array.from({ length: LINES }, (_, i) => i));
});
