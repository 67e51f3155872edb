// Case: items of one aggregated record, held back by deserialize()'s maxItemsAhead, batched with
// bufferTime() before checkpoint(). Each batch going into checkpoint() settles items, and
// deserialize() used to emit the next items right there, inside bufferTime()'s emission, which
// dropped them (no open buffer at that moment): nothing settled them again and the pipeline
// waited forever after the first maxItemsAhead items.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { bufferTime, concatMap, filter, firstValueFrom, from, map, take, timeout, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('bufferTime() batches of a large record behind maxItemsAhead: every item gets through and is committed', async () => {
  const streamName = uniqueStreamName('batched-large-record');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (let i = 0; i < 30; i += 1)
    accumulator.add({ data: Buffer.from(JSON.stringify(i)), partitionKey: `key-${i}` });
  const aggregate = accumulator.flush();
  if (aggregate === undefined) throw new Error('no aggregate');
  const put = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: aggregate.partitionKey,
      Data: aggregate.data,
    }),
  );
  client.destroy();

  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    processor: kplJsonProcessor(),
  });
  let items: number[];
  try {
    items = await firstValueFrom(
      consumer.pipe(
        deserialize<number>({ maxItemsAhead: 10 }),
        bufferTime(50, null, 20),
        filter((batch) => batch.length > 0),
        concatMap((batch) => from(batch)),
        checkpoint({ intervalMs: 0 }),
        map((item) => item.data),
        take(30),
        toArray(),
        // Far above the few hundred ms this takes; without the fix it never completes.
        timeout(30_000),
      ),
    );
  } finally {
    await consumer.stopped();
  }
  expect(items).toEqual(Array.from({ length: 30 }, (_, i) => i));
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
    kind: 'position',
    position: { sequenceNumber: put.SequenceNumber },
  });
});
