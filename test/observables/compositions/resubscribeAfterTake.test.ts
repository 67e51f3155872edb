// Case: one consumer run after run by pipelines that end themselves (take(n), first(),
// repeat(), takeUntil()), each resubscribed at once without awaiting stopped(). Each new run
// starts only once the previous one wrote its last checkpoint and released its lease, so every
// run resumes right after the records the previous ones passed: no record is skipped or read
// twice, and the last position stored is the last record.
import { concatMap, first, lastValueFrom, map, repeat, Subject, take, takeUntil, timer, toArray } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, MemoryCheckpointer } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('take(n), first(), repeat() and takeUntil() runs back to back resume exactly where the last one ended', async () => {
  const streamName = uniqueStreamName('resubscribe-after-take');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(30));
  client.destroy();
  const sequences = written.map((record) => record.sequenceNumber);
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const ordered = { intervalMs: 0 };

  const viaTake = await lastValueFrom(
    consumer.pipe(
      checkpoint(ordered),
      take(5),
      map((record) => record.sequenceNumber),
      toArray(),
    ),
  );
  const viaFirst = await lastValueFrom(
    consumer.pipe(
      checkpoint(ordered),
      first(),
      map((record) => record.sequenceNumber),
    ),
  );
  const viaRepeat = await lastValueFrom(
    consumer.pipe(
      deserialize(),
      concatMap((item) => timer(5).pipe(map(() => item))),
      checkpoint(ordered),
      take(3),
      repeat(2),
      map((item) => item.sequenceNumber),
      toArray(),
    ),
  );
  const stop = new Subject<void>();
  const rest: string[] = [];
  const viaTakeUntil = lastValueFrom(
    consumer.pipe(
      checkpoint(ordered),
      takeUntil(stop),
      map((record) => record.sequenceNumber),
      toArray(),
    ),
  );
  void viaTakeUntil.then((values) => rest.push(...values));
  try {
    await waitFor(() => consumer.stats().shards.some((shard) => shard.lastSequenceNumber === sequences[29]), {
      timeoutMs: 30_000,
      message: () => 'the last run did not read to the end',
    });
  } finally {
    stop.next();
    await viaTakeUntil;
  }
  await consumer.stopped();

  expect(viaTake).toEqual(sequences.slice(0, 5));
  expect(viaFirst).toBe(sequences[5]);
  expect(viaRepeat).toEqual(sequences.slice(6, 12));
  expect(rest).toEqual(sequences.slice(12));
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
    kind: 'position',
    position: { sequenceNumber: sequences[29] },
  });
});
