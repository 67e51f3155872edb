// Case: an item whose value is followed by more bytes. msgpackr's error quotes the value it read
// (up to 100 characters of its JSON), so the DeserializationError, the RecordDecodeError around
// it, a dead-letter log line and `rxjs-kinesis tail`'s stderr carried the record's data (a
// password, an e-mail address) and, unescaped, the C1 controls and bidi marks in it. The error
// now names the fault only, and keeps no cause that quotes the value.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  deserialize,
  kplMsgpackProcessor,
  msgpackProcessor,
  type KinesisRecord,
  type RecordDecodeError,
} from '../../../src/index.js';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError.js';

const SECRET = 'hunter2-\u009b2J-\u202e';
/** `{ "password": SECRET }` then one more byte (a nil). */
const item = Buffer.concat([
  Buffer.from([0x81, 0xa8]),
  Buffer.from('password'),
  Buffer.from([0xa0 | Buffer.byteLength(SECRET)]),
  Buffer.from(SECRET),
  Buffer.from([0xc0]),
]);

/** Everything an error shows when printed or logged, its causes included. */
function shown(error: unknown): string {
  let text = inspect(error, { depth: 10 });
  for (let next = error; next instanceof Error; next = next.cause) text += ` ${next.message}`;
  return text;
}

test.each([
  ['msgpack', msgpackProcessor().serializer],
  ["msgpack, maps: 'map'", msgpackProcessor({ maps: 'map' }).serializer],
  ["msgpack, maps: 'auto'", msgpackProcessor({ maps: 'auto' }).serializer],
])('%s: the error names bytes after the value without quoting the value', (_case, serializer) => {
  let caught: unknown;
  try {
    serializer.deserialize(item);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DeserializationError);
  expect((caught as Error).message).toBe(
    'msgpack: item is not valid MessagePack: Data read, but end of buffer not reached (the value read is not shown)',
  );
  expect(shown(caught)).not.toContain('hunter2');
  expect(shown(caught)).not.toContain('password');
});

function recordOf(data: Uint8Array): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
    partitionKey: 'k',
    data,
    approximateArrivalTimestamp: new Date(0),
  };
}

/** A KPL record of one key and one item. */
function kplOf(data: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x0a, 0x01, 0x6b, 0x1a, data.length + 4, 0x08, 0x00, 0x1a, data.length]),
    data,
  ]);
  const md5 = createHash('md5').update(body).digest();
  return Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, md5]);
}

test.each([
  ['msgpack', msgpackProcessor(), Buffer.concat([Buffer.from(`${item.length}:`), item, Buffer.from(',')])],
  ['KPL msgpack', kplMsgpackProcessor(), kplOf(item)],
])(
  '%s through deserialize(): the dead-lettered RecordDecodeError holds none of the item',
  async (_case, processor, data) => {
    const errors: RecordDecodeError[] = [];
    const items = await lastValueFrom(
      from([recordOf(data)]).pipe(
        deserialize(processor, { onDecodeError: (error) => void errors.push(error) }),
        toArray(),
      ),
    );
    expect(items).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('end of buffer not reached (the value read is not shown)');
    expect(shown(errors[0])).not.toContain('hunter2');
    expect(shown(errors[0])).not.toMatch(/[\u0080-\u009f\u202e]/);
  },
);
