// The turn deserialize() gives other work between runs of dead-lettered items is a timer: it runs
// on the scheduler given to deserialize(), else on the scheduler of the fromKinesis() the record
// came from, else on asyncScheduler. Before, it always ran on the real asyncScheduler: a test on
// virtual time saw only the first 500 bad items after a flush, and under jest fake timers
// lastValueFrom() of the pipeline never settled.
import { count, lastValueFrom, of, VirtualTimeScheduler } from 'rxjs';
import { deserialize, jsonLineProcessor, type KinesisRecord } from '../../src/index.js';
import { CONSUMER_CONTEXT } from '../../src/consumer/KinesisRecord.js';

const ITEMS = 2000;

/** A JSON lines record of `items` lines, none of them JSON. */
function badLines(items: number): KinesisRecord {
  return {
    streamName: 'turns',
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
    partitionKey: 'k',
    data: Buffer.from('{not json\n'.repeat(items)),
    approximateArrivalTimestamp: new Date(0),
  };
}

afterEach(() => jest.useRealTimers());

it('the turns between runs of dead-lettered items run on the given scheduler', () => {
  const scheduler = new VirtualTimeScheduler();
  let deadLettered = 0;
  let emitted: number | undefined;
  of(badLines(ITEMS))
    .pipe(
      deserialize(jsonLineProcessor(), { onDecodeError: () => void (deadLettered += 1), scheduler }),
      count(),
    )
    .subscribe((n) => (emitted = n));
  expect(deadLettered).toBe(500);
  scheduler.flush();
  expect(deadLettered).toBe(ITEMS);
  expect(emitted).toBe(0);
});

it('under jest fake timers a pipeline given a virtual scheduler ends without advancing the clock', async () => {
  jest.useFakeTimers();
  const scheduler = new VirtualTimeScheduler();
  let deadLettered = 0;
  const done = lastValueFrom(
    of(badLines(ITEMS)).pipe(
      deserialize(jsonLineProcessor(), { onDecodeError: () => void (deadLettered += 1), scheduler }),
      count(),
    ),
  );
  scheduler.flush();
  await expect(done).resolves.toBe(0);
  expect(deadLettered).toBe(ITEMS);
  expect(jest.getTimerCount()).toBe(0);
});

it('refuses a scheduler that is not a SchedulerLike', () => {
  expect(() => deserialize(jsonLineProcessor(), { scheduler: {} as never })).toThrow(/scheduler/);
});

it('without a scheduler of its own, a record from fromKinesis() takes its turns on the consumer scheduler', () => {
  const scheduler = new VirtualTimeScheduler();
  const record: KinesisRecord = {
    ...badLines(ITEMS),
    [CONSUMER_CONTEXT]: { processor: jsonLineProcessor(), scheduler },
  };
  let deadLettered = 0;
  of(record)
    .pipe(deserialize({ onDecodeError: () => void (deadLettered += 1) }))
    .subscribe();
  expect(deadLettered).toBe(500);
  scheduler.flush();
  expect(deadLettered).toBe(ITEMS);
});
