// `rxjs-kinesis tail` printing records anybody may have written: what reaches the terminal (or
// the tool it pipes into) is one line of JSON per item, which reads back as the record's data
// and key, and in which no character of the record can drive the terminal (8-bit CSI and OSC,
// DEL), reorder what it shows (bidi overrides) or break the line (line separators). A skipped
// record is named on stderr without its data.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';
import { linesOf } from '../runCli.js';

/** What a terminal or a log viewer acts on rather than shows. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const kinesis = useTestKinesis({ embedded: true });
const cli = cliAgainst(kinesis);

async function put(stream: string, records: readonly { key: string; data: Buffer }[]): Promise<void> {
  const client = kinesis.createClient();
  try {
    for (const { key, data } of records)
      await client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: data }));
  } finally {
    client.destroy();
  }
}

test('each item prints as one JSON line with every terminal control, bidi mark and line separator escaped', async () => {
  const stream = uniqueStreamName('cli-hostile');
  await kinesis.createStream(stream, 1);
  // 8-bit CSI (clear the screen), 8-bit OSC 52 (write the clipboard) ended by 8-bit ST, a bidi
  // override, line and paragraph separators, DEL, a tag character, and the C0 controls
  // JSON.stringify escapes anyway (ESC, CR, NUL).
  const text =
    'a\u009b2J\u009d52;c;c2VjcmV0\u009c\u202eevil\u2028{"forged":1}\u2029\u007f\u{E0001}' +
    '\u001b[31m\r\u0000z';
  const key = 'k\u009b31m\u202e\u2028';
  await put(stream, [
    { key, data: Buffer.from(text) },
    { key: 'plain', data: Buffer.from('é 😀') },
  ]);

  const tail = await cli(['tail', stream, '-p', 'string', '--from', 'trim-horizon', '-n', '2']);
  expect(tail.code).toBe(0);
  const lines = linesOf(tail.stdout);
  expect(lines).toHaveLength(2);
  for (const line of lines) expect(line).not.toMatch(UNPRINTABLE);
  const printed = lines.map((line) => JSON.parse(line) as { partitionKey: string; data: string });
  expect(printed.map((line) => [line.partitionKey, line.data])).toEqual([
    [key, text],
    ['plain', 'é 😀'],
  ]);
  expect(lines[0]).toContain('"data":"a\\u009b2J\\u009d52;c;c2VjcmV0\\u009c\\u202eevil\\u2028');
  expect(lines[1]).toContain('"data":"é 😀"');
});

test('a skipped msgpack record is named on stderr without the value msgpackr read from it', async () => {
  const stream = uniqueStreamName('cli-hostile');
  await kinesis.createStream(stream, 1);
  const secret = 'hunter2-\u009b2J-\u202e';
  // `{ "password": secret }` and one byte after it, in a netstring; then a good item.
  const item = Buffer.concat([
    Buffer.from([0x81, 0xa8]),
    Buffer.from('password'),
    Buffer.from([0xa0 | Buffer.byteLength(secret)]),
    Buffer.from(secret),
    Buffer.from([0xc0]),
  ]);
  await put(stream, [
    { key: 'k', data: Buffer.concat([Buffer.from(`${item.length}:`), item, Buffer.from(',')]) },
    { key: 'k', data: Buffer.from([0x31, 0x3a, 0x01, 0x2c]) },
  ]);

  const tail = await cli(['tail', stream, '-p', 'msgpack', '--from', 'trim-horizon', '-n', '1']);
  expect(tail.code).toBe(0);
  expect(linesOf(tail.stdout).map((line) => (JSON.parse(line) as { data: unknown }).data)).toEqual([1]);
  const skipped = linesOf(tail.stderr).filter((line) => line.startsWith('skipped'));
  expect(skipped).toHaveLength(1);
  expect(skipped[0]).toMatch(
    /^skipped record \(msgpack\) at shard shardId-000000000000 sequence number \d+ sub-record 0: msgpack: item is not valid MessagePack: Data read, but end of buffer not reached \(the value read is not shown\)$/,
  );
  expect(tail.stderr).not.toContain('hunter2');
  expect(tail.stderr).not.toContain('password');
  expect(tail.stderr).not.toMatch(/[\u0080-\u009f\u202e]/);
});

test('an item that reads as undefined (msgpackr writes it as d4 00 00) prints with "data":null', async () => {
  const stream = uniqueStreamName('cli-hostile');
  await kinesis.createStream(stream, 1);
  await put(stream, [{ key: 'k', data: Buffer.from([0x33, 0x3a, 0xd4, 0x00, 0x00, 0x2c]) }]);
  const tail = await cli(['tail', stream, '-p', 'msgpack', '--from', 'trim-horizon', '-n', '1']);
  expect(tail.code).toBe(0);
  const [line] = linesOf(tail.stdout);
  expect(line).toMatch(/,"data":null\}$/);
});
