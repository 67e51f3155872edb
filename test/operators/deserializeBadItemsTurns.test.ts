// A large record whose items are all bad: each is dead-lettered on its own and settles at once, so
// nothing paused the emission, and a record of 500,000 bad JSON lines held the event loop for
// 18-29 s: lease renewals could not run, the lease was lost before the record was done, and the
// next owner met the same record. Other work now gets a turn of the event loop between runs of
// dead-lettered items.
import { count, lastValueFrom, of } from 'rxjs';
import { deserialize, jsonLineProcessor, type KinesisRecord } from '../../src/index.js';

const ITEMS = 5000;

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

it('a timer set before a record of thousands of bad items runs before they are all dead-lettered', async () => {
  let deadLettered = 0;
  let atTimer: number | undefined;
  setTimeout(() => (atTimer = deadLettered), 0);
  const emitted = await lastValueFrom(
    of(badLines(ITEMS)).pipe(
      deserialize(jsonLineProcessor(), { onDecodeError: () => void (deadLettered += 1) }),
      count(),
    ),
  );
  expect(emitted).toBe(0);
  expect(deadLettered).toBe(ITEMS);
  // Before: 5,000 (the whole record in one turn).
  expect(atTimer).toBeDefined();
  expect(atTimer).toBeLessThan(ITEMS);
});

it('unsubscribing between runs of bad items dead-letters no more of them', async () => {
  let deadLettered = 0;
  const subscription = of(badLines(ITEMS))
    .pipe(deserialize(jsonLineProcessor(), { onDecodeError: () => void (deadLettered += 1) }))
    .subscribe();
  const first = deadLettered;
  subscription.unsubscribe();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(ITEMS);
  expect(deadLettered).toBe(first);
});
