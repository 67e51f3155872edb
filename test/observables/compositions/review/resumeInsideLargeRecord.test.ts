// Case: a KPL record of more than 1000 items (decoded item by item, emitted maxItemsAhead at a
// time) read by a run that ends in its middle (take() after checkpoint(), asynchronous work
// before it), then by a restarted consumer that drops every other item with checkpointFilter().
// The restart resumes inside the record right after the last item passed, its first emissions
// wait on the items the earlier run already did (none of them is emitted again), and the record
// after the large one is reached: no item lost, none repeated.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { concatMap, lastValueFrom, map, of, take, timer, toArray } from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const ITEMS = 2500;
const FIRST_RUN = 1234;
const SHARD = 'shardId-000000000000';

test('a run ending in the middle of a large KPL record; the restart resumes right after it, with drops', async () => {
  const streamName = uniqueStreamName('resume-large-kpl');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (let i = 0; i < ITEMS; i += 1)
    expect(accumulator.add({ data: Buffer.from(JSON.stringify(i)), partitionKey: 'k' })).toBeUndefined();
  const record = accumulator.flush();
  if (record === undefined) throw new Error('no record');
  const large = await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: record.data }),
  );
  const trailing = await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from(String(ITEMS)) }),
  );
  client.destroy();

  const checkpointer = new MemoryCheckpointer();
  const consumerOf = () =>
    fromKinesis({ streamName, ...pollingConnection(kinesis), processor: kplJsonProcessor(), checkpointer });
  const first = consumerOf();
  const firstItems = await lastValueFrom(
    first.pipe(
      deserialize<number>({ maxItemsAhead: 200 }),
      concatMap((item: KinesisItem<number>) =>
        item.data % 300 === 0 ? timer(1).pipe(map(() => item)) : of(item),
      ),
      checkpoint({ intervalMs: 0 }),
      take(FIRST_RUN),
      map((item) => item.data),
      toArray(),
    ),
  );
  await first.stopped();
  expect(firstItems).toEqual(Array.from({ length: FIRST_RUN }, (_, i) => i));
  expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: large.SequenceNumber, subSequenceNumber: FIRST_RUN - 1 },
  });

  const second = consumerOf();
  const kept = Array.from({ length: ITEMS + 1 - FIRST_RUN }, (_, i) => FIRST_RUN + i).filter(
    (n) => n % 2 === 0,
  );
  const secondItems = await lastValueFrom(
    second.pipe(
      deserialize<number>({ maxItemsAhead: 200 }),
      checkpointFilter((item) => item.data % 2 === 0),
      checkpoint({ intervalMs: 0 }),
      take(kept.length),
      map((item) => item.data),
      toArray(),
    ),
  );
  await second.stopped();
  expect(secondItems).toEqual(kept);
  expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: trailing.SequenceNumber },
  });
});
