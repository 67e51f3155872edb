// A large record whose items fail one by one (more than 1,000 items: each bad item goes to the
// dead-letter hook on its own): the hint naming the format the record looks like is worked out
// once for the record, not once per bad item. It reads the record up to its first line feed: every
// bad item of a JSON list record re-read the whole record, so the time grew with the square of its
// size (a 240 KB record of 80,000 items, half of them with invalid UTF-8: 11 s of CPU, holding up every
// shard).
import { count, lastValueFrom, of } from 'rxjs';
import { deserialize, jsonListProcessor, RecordDecodeError, type KinesisRecord } from '../../src/index.js';
import * as guess from '../../src/processors/guessRecordFormat.js';

const ITEMS = 3000;

/** `["<invalid UTF-8>", 1, "<invalid UTF-8>", 1, ...]`: every even item fails to decode. */
function listRecord(sequenceNumber: string): KinesisRecord {
  const items = Array.from({ length: ITEMS }, (_, i) =>
    i % 2 === 0 ? Buffer.from([0x22, 0xff, 0x22]) : Buffer.from('1'),
  );
  const parts: Buffer[] = [Buffer.from('[')];
  items.forEach((item, i) => parts.push(...(i === 0 ? [item] : [Buffer.from(','), item])));
  parts.push(Buffer.from(']'));
  return {
    streamName: 'cost',
    shardId: 'shardId-000000000000',
    sequenceNumber,
    partitionKey: 'k',
    data: Buffer.concat(parts),
    approximateArrivalTimestamp: new Date(0),
  };
}

describe('deserialize(): the bad items of a large record', () => {
  afterEach(() => jest.restoreAllMocks());

  it('are each dead-lettered, with the format hint worked out once per record', async () => {
    const hints = jest.spyOn(guess, 'formatMismatchHint');
    const failures: RecordDecodeError[] = [];
    const records = [listRecord('1'), listRecord('2')];
    const emitted = await lastValueFrom(
      of(...records).pipe(
        deserialize(jsonListProcessor(), { onDecodeError: (error) => void failures.push(error) }),
        count(),
      ),
    );
    expect(emitted).toBe(ITEMS);
    expect(failures).toHaveLength(ITEMS);
    expect(failures.every((error) => error instanceof RecordDecodeError)).toBe(true);
    expect(
      failures.slice(0, 3).map((error) => [error.context.sequenceNumber, error.context.subSequenceNumber]),
    ).toEqual([
      ['1', 0],
      ['1', 2],
      ['1', 4],
    ]);
    expect(failures[ITEMS / 2]?.context).toMatchObject({ sequenceNumber: '2', subSequenceNumber: 0 });
    // Once per record (was once per bad item: 3,000 reads of the records).
    expect(hints).toHaveBeenCalledTimes(records.length);
  });
});
