// Case: records holding maps with keys that are not strings, as Python's msgpack writes them
// (async-kinesis's msgpack processor: netstring-framed `msgpack.packb(item, use_bin_type=True)`,
// put with boto3), read through the embedded Kinesis by fromKinesis() + deserialize() with
// `maps: 'auto'`: every key comes back with its type, a tuple key as an array. And Maps written by
// toKinesis() with kplMsgpackProcessor() read back as the same Maps with `maps: 'map'`.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import {
  deserialize,
  fromKinesis,
  kplMsgpackProcessor,
  msgpackProcessor,
  toKinesis,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

/** A netstring of `hex` (what Python's msgpack 1.0.3 writes for the item beside it). */
const netstring = (hex: string): Buffer => {
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes, Buffer.from(',')]);
};

test('maps with int, bool, nil and tuple keys written by Python read back with their keys', async () => {
  const streamName = uniqueStreamName('msgpack-map-keys');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // Two items in one record, one in another.
  await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.concat([
        netstring('8201a161a131a162'), // {1: 'a', '1': 'b'}
        netstring('82a16900a16d82c301a47472756502'), // {'i': 0, 'm': {True: 1, 'true': 2}}
      ]),
    }),
  );
  await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      // {'outer': {None: 'n'}, 'list': [{(1, 2): 'x'}], 's': 10}
      Data: netstring('83a56f7574657281c0a16ea46c6973749181920102a178a1730a'),
    }),
  );
  client.destroy();

  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: msgpackProcessor({ maps: 'auto' }),
  });
  try {
    const items = await firstValueFrom(consumer.pipe(deserialize<unknown>(), take(3), toArray()));
    expect(items.map((item) => item.data)).toEqual([
      new Map<unknown, string>([
        [1, 'a'],
        ['1', 'b'],
      ]),
      {
        i: 0,
        m: new Map<unknown, number>([
          [true, 1],
          ['true', 2],
        ]),
      },
      { outer: new Map([[null, 'n']]), list: [new Map([[[1, 2], 'x']])], s: 10 },
    ]);
  } finally {
    await consumer.stopped();
  }
});

test('Maps written with kplMsgpackProcessor() read back as the same Maps', async () => {
  const streamName = uniqueStreamName('msgpack-map-keys-kpl');
  await kinesis.createStream(streamName, 1);
  const items = Array.from(
    { length: 50 },
    (_, n) =>
      new Map<unknown, unknown>([
        [n, 'n'],
        [String(n), 's'],
        [[n, 'tuple'], new Map([[n % 2 === 0, null]])],
        [null, 2 ** 40 + n],
      ]),
  );
  const processor = kplMsgpackProcessor<Map<unknown, unknown>>({ maps: 'map' });
  const client = kinesis.createClient();
  const reports = await lastValueFrom(
    from(items).pipe(toKinesis<Map<unknown, unknown>>({ streamName, client, processor }), toArray()),
  );
  client.destroy();
  expect(reports.every((report) => report.status === 'delivered')).toBe(true);

  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: kplMsgpackProcessor({ maps: 'map' }),
  });
  try {
    const read = await firstValueFrom(
      consumer.pipe(deserialize<Map<unknown, unknown>>(), take(items.length), toArray()),
    );
    expect(read.map((item) => item.data)).toEqual(items);
  } finally {
    await consumer.stopped();
  }
});
