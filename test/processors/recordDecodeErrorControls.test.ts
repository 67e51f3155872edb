// A serializer of your own may quote the item it refused in its error ("unknown type 'x'"), and
// the item is whatever the record's writer chose. RecordDecodeError quoted that message as it
// was, so a dead-letter log line or a terminal showing it got the record's line breaks, ESC and
// bidi overrides. The message now writes them as JSON escapes; the cause is kept as it was.
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  createProcessor,
  deserialize,
  noneAggregator,
  type KinesisRecord,
  type RecordDecodeError,
  type Serializer,
} from '../../src/index.js';

/** What a terminal or a log viewer acts on rather than shows. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const quoting: Serializer<string> = {
  name: 'quoting',
  serialize: (item) => Buffer.from(item),
  deserialize(bytes) {
    throw new Error(`unknown type '${Buffer.from(bytes).toString('utf8')}'`);
  },
};

test('a cause quoting the item is shown with its controls escaped', async () => {
  const text = 'x\nERROR forged line\u001b[2J\u009b2J\u202e';
  const record: KinesisRecord = {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
    partitionKey: 'k',
    data: Buffer.from(text),
    approximateArrivalTimestamp: new Date(0),
  };
  const errors: RecordDecodeError[] = [];
  await lastValueFrom(
    from([record]).pipe(
      deserialize(createProcessor('quoting', quoting, noneAggregator()), {
        onDecodeError: (error) => void errors.push(error),
      }),
      toArray(),
    ),
  );
  expect(errors).toHaveLength(1);
  const [error] = errors;
  expect(error?.message).not.toMatch(UNPRINTABLE);
  expect(error?.message).toBe(
    "Cannot decode record (quoting) at shard shardId-000000000000 sequence number 1 sub-record 0: unknown type 'x\\nERROR forged line\\u001b[2J\\u009b2J\\u202e'",
  );
  expect((error?.cause as Error).message).toBe(`unknown type '${text}'`);
});
