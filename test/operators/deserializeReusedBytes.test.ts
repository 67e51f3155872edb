// A source that reads each record into the same bytes (a reused read buffer, changed in place
// between records): the format hint of a record's decode error is worked out from that record's
// bytes, never from an earlier record that was held in the same Uint8Array.
import { from } from 'rxjs';
import { toArray } from 'rxjs/operators';
import { lastValueFrom } from 'rxjs';
import { deserialize, jsonProcessor, type KinesisRecord, type RecordDecodeError } from '../../src/index.js';

function recordOf(sequenceNumber: string, data: Uint8Array): KinesisRecord {
  return {
    streamName: 'reused',
    shardId: 'shardId-000000000000',
    sequenceNumber,
    partitionKey: 'k',
    data,
    approximateArrivalTimestamp: new Date(0),
  };
}

/** Each text in turn, written into one buffer before its record is emitted. */
function* readInto(buffer: Buffer, texts: readonly string[]): Generator<KinesisRecord> {
  for (const [index, text] of texts.entries()) {
    buffer.fill(0x20);
    buffer.write(text, 'latin1');
    yield recordOf(String(index + 1), buffer);
  }
}

describe('deserialize(): decode errors of records held in one reused buffer', () => {
  it('hint at the format of each record as it is, not as the buffer was before', async () => {
    const buffer = Buffer.alloc(32);
    const failures: RecordDecodeError[] = [];
    const texts = ['{"a":1}\n{"b":2}\n', 'password=hunter2', '[1,2,3] [4]'];
    const items = await lastValueFrom(
      from(readInto(buffer, texts)).pipe(
        deserialize(jsonProcessor(), { onDecodeError: (error) => void failures.push(error) }),
        toArray(),
      ),
    );
    expect(items).toEqual([]);
    expect(failures.map((error) => error.context.sequenceNumber)).toEqual(['1', '2', '3']);
    // The first looks like JSON lines; the second like nothing; the third like a JSON list.
    expect(failures[0]?.message).toContain('looks like JSON lines');
    expect(failures[1]?.message).not.toContain('looks like');
    expect(failures[2]?.message).toContain('looks like a JSON list');
  });
});
