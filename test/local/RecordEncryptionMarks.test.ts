import { RecordEncryptionMarks } from '../../src/local/RecordEncryptionMarks.js';

/** A sequence number laid out as kinesalite's version 2 numbers are. */
function sequence(shardIx: number, seqIx: number): string {
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  const created = 0x692f7a00;
  const layout = [
    '2',
    hex(created, 9),
    hex(shardIx % 16, 1),
    hex(seqIx, 16),
    '00',
    hex(created + seqIx, 9),
    hex(shardIx, 8),
    '2',
  ].join('');
  return BigInt(`0x${layout}`).toString();
}

const read = (marks: RecordEncryptionMarks, stream: string, numbers: string[]) => {
  const records = numbers.map((SequenceNumber) => ({ SequenceNumber }) as Record<string, unknown>);
  marks.mark(stream, records);
  return records.map((record) => record.EncryptionType);
};

describe('RecordEncryptionMarks', () => {
  it('marks the records of each shard written while encryption was on, and only those', () => {
    const marks = new RecordEncryptionMarks();
    marks.written('s', [sequence(0, 1), sequence(1, 1)], false);
    expect(marks.has('s')).toBe(false);
    marks.written('s', [sequence(0, 2)], true);
    marks.written('s', [sequence(0, 3)], true);
    marks.written('s', [sequence(0, 4), sequence(1, 2)], false);
    expect(
      read(
        marks,
        's',
        [1, 2, 3, 4].map((i) => sequence(0, i)),
      ),
    ).toEqual([undefined, 'KMS', 'KMS', undefined]);
    // Shard 1 was never written encrypted; another stream has nothing marked.
    expect(read(marks, 's', [sequence(1, 1), sequence(1, 2)])).toEqual([undefined, undefined]);
    expect(read(marks, 'other', [sequence(0, 2)])).toEqual([undefined]);
  });

  it('follows writes while a shard last written encrypted has not been written since; forgets a stream', () => {
    const marks = new RecordEncryptionMarks();
    expect(marks.followsWrites('s', false)).toBe(false);
    marks.written('s', [sequence(0, 1)], true);
    expect(marks.followsWrites('s', false)).toBe(true);
    marks.written('s', [sequence(0, 2)], false);
    expect(marks.followsWrites('s', false)).toBe(false);
    // A write answered after a later one keeps the later one's state.
    marks.written('s', [sequence(0, 1)], true);
    expect(read(marks, 's', [sequence(0, 1), sequence(0, 2)])).toEqual(['KMS', undefined]);
    marks.forget('s');
    expect(marks.has('s')).toBe(false);
    expect(read(marks, 's', [sequence(0, 1)])).toEqual([undefined]);
  });
});
