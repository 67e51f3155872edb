// Hostile records through `fromKinesis() + deserialize() + concatMap(work) + checkpoint()`, one
// stream per processor, on the local Kinesis with its limits on (1 MiB records) and 5 % of
// requests answered with a 500. Good records (some exactly at the record limit) and hostile ones
// (invalid or overlong UTF-8, BOMs, bad KPL magic, truncated KPL, wrong MD5, out-of-range key
// indexes, huge declared lengths, nested protobuf groups, msgpack with 4 GiB declared lengths,
// 200,000 levels of nesting, msgpackr's own extensions: shared references making a cycle, RegExp,
// Error, a bad timestamp) are interleaved.
// - With a dead-letter hook: each hostile record reaches the hook once, as a RecordDecodeError
//   of the documented cause naming its sequence number (no credential in it), every good item is
//   handled once and in order, and the stored position ends at the last record.
// - Without one: the pipeline errors with the first hostile record's RecordDecodeError and the
//   stored position is the record before it, never past it.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { concatMap, from, lastValueFrom, take, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  kplStringProcessor,
  MemoryCheckpointer,
  msgpackProcessor,
  RecordDecodeError,
  stringProcessor,
  type KinesisItem,
  type KinesisRecord,
  type Processor,
} from '../../src/index.js';
import { DeserializationError } from '../../src/processors/errors/DeserializationError.js';
import { KplChecksumError } from '../../src/processors/errors/KplChecksumError.js';
import { KplDecodeError } from '../../src/processors/errors/KplDecodeError.js';
import { MalformedJsonListError } from '../../src/processors/errors/MalformedJsonListError.js';
import { MalformedNetstringError } from '../../src/processors/errors/MalformedNetstringError.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import {
  jsonAtLimit,
  jsonLineAtLimit,
  jsonListAtLimit,
  KEY,
  kplHostile,
  kplJsonAtLimit,
  kplOf,
  msgpackAtLimit,
  msgpackHostile,
  netstring,
  RECORD_LIMIT,
} from './hostileRecordBytes.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis({ limits: true, faults: { serverErrorRate: 0.05, seed: 11 } });
const SHARD = 'shardId-000000000000';
type Cause = abstract new (...args: never[]) => Error;

interface Entry {
  readonly data: Buffer;
  /** Items of a good record; the class of the cause for a hostile one. */
  readonly expect: number | Cause;
}

const good = (data: Buffer | string, items = 1): Entry => ({ data: Buffer.from(data), expect: items });
const bad = (data: Buffer | string, cause: Cause): Entry => ({ data: Buffer.from(data), expect: cause });
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

interface ProcessorCase {
  readonly name: string;
  readonly processor: () => Processor<unknown>;
  readonly records: () => readonly Entry[];
}

const cases: readonly ProcessorCase[] = [
  {
    name: 'json',
    processor: () => jsonProcessor(),
    records: () => [
      good('0'),
      bad(Buffer.from([0x22, 0x61, 0xff, 0x22]), DeserializationError),
      good(jsonAtLimit()),
      bad(Buffer.from([0x22, 0xc0, 0xaf, 0x22]), DeserializationError),
      bad(Buffer.concat([bom, Buffer.from('{"a": 1}')]), DeserializationError),
      good('['.repeat(100_000) + ']'.repeat(100_000)),
      // Python's tokens: as values they are numbers, as keys the record is refused; no string of
      // the record turns into one (or into any other value).
      good('{"a": "\\u0000rxjs-kinesis:__proto__", "b": "\\u0000rxjs-kinesis:toString", "n": NaN}'),
      bad('{NaN: 1}', DeserializationError),
      good('{"last": true}'),
    ],
  },
  {
    name: 'json lines',
    processor: () => jsonLineProcessor(),
    records: () => [
      good('0\n1\n', 2),
      bad(
        Buffer.concat([Buffer.from('2\n"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"\n')]),
        DeserializationError,
      ),
      good(jsonLineAtLimit()),
      bad(Buffer.concat([bom, Buffer.from('3\n4\n')]), DeserializationError),
      good('\n\n5\n\n', 1),
      bad('{"a": 1}\n{Infinity: 2}\n', DeserializationError),
      good('6\n'),
    ],
  },
  {
    // A record whose one element is bad fails whole: its good elements never reach the handler.
    name: 'json list',
    processor: () => jsonListProcessor(),
    records: () => [
      good('[0, 1]', 2),
      bad('[1, 2', MalformedJsonListError),
      good('[]', 0),
      bad(
        Buffer.concat([Buffer.from('[1, "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"]')]),
        DeserializationError,
      ),
      good(jsonListAtLimit()),
      bad('[1, {NaN: 2}]', DeserializationError),
      // Own keys, not prototypes: nothing of the process changes (checked after the run).
      good(
        '[{"__proto__": {"polluted": 1}}, {"constructor": {"prototype": {"polluted": 1}}}, NaN, 1e400]',
        4,
      ),
      bad('[1, 2] [3]', MalformedJsonListError),
      good(`[${'['.repeat(100_000)}${']'.repeat(100_000)}]`),
      bad('[1, }', MalformedJsonListError),
      // Over 1,000 items: decoded item by item as they go out.
      good(`[${Array.from({ length: 1500 }, () => 'NaN').join(', ')}]`, 1500),
      good('{"last": true}'),
    ],
  },
  {
    name: 'string',
    processor: () => stringProcessor(),
    records: () => [
      good('a'),
      bad(Buffer.from([0x61, 0xff]), DeserializationError),
      good(Buffer.concat([bom, Buffer.from('b')])),
      bad(Buffer.from([0xed, 0xa0, 0x80]), DeserializationError),
      bad(Buffer.from([0xc0, 0xaf]), DeserializationError),
      good(Buffer.alloc(RECORD_LIMIT - KEY.length, 0x63)),
      bad(Buffer.from([0x64, 0xe2, 0x82]), DeserializationError),
      bad(Buffer.from([0xf4, 0x90, 0x80, 0x80]), DeserializationError),
      good('\uFFFD\u0000'),
      good('last'),
    ],
  },
  {
    name: 'KPL string',
    processor: () => kplStringProcessor(),
    records: () => [
      good(kplOf(Buffer.from('a'), Buffer.from('b')), 2),
      bad(kplOf(Buffer.from('c'), Buffer.from([0xed, 0xb0, 0x80])), DeserializationError),
      bad(kplHostile.truncated, KplDecodeError),
      good('plain'),
    ],
  },
  {
    // By default msgpackr's own extensions read as msgpackr reads them (items msgpackr packed in
    // Node read back), except its shared references, which make cycles.
    name: 'msgpack',
    processor: () => msgpackProcessor(),
    records: () => [
      good(netstring(Buffer.from([0x00]))),
      bad(msgpackHostile.cycle, DeserializationError),
      good(msgpackHostile.regExp),
      good(msgpackHostile.error),
      bad(msgpackHostile.unknownExtension, DeserializationError),
      bad(msgpackHostile.deepArrays, DeserializationError),
      good(netstring(Buffer.from([0xd6, 0xff, 0, 0, 0, 1]))),
    ],
  },
  {
    name: 'msgpack, refuseExtensions',
    processor: () => msgpackProcessor({ refuseExtensions: true }),
    records: () => [
      good(netstring(Buffer.from([0x00]))),
      bad(msgpackHostile.hugeArray, DeserializationError),
      bad(msgpackHostile.hugeString, DeserializationError),
      good(msgpackAtLimit()),
      bad(msgpackHostile.deepArrays, DeserializationError),
      bad(msgpackHostile.cycle, DeserializationError),
      bad(msgpackHostile.regExp, DeserializationError),
      bad(msgpackHostile.error, DeserializationError),
      bad(msgpackHostile.badTimestamp, DeserializationError),
      bad(msgpackHostile.unknownExtension, DeserializationError),
      bad('99999999999999999999999:ab,', MalformedNetstringError),
      good(netstring(Buffer.from([0xd6, 0xff, 0, 0, 0, 1]))),
    ],
  },
  {
    name: 'KPL json',
    processor: () => kplJsonProcessor(),
    records: () => [
      good(kplOf(Buffer.from('0'), Buffer.from('1')), 2),
      bad(kplHostile.truncated, KplDecodeError),
      bad(kplHostile.badMd5, KplChecksumError),
      good(kplJsonAtLimit()),
      bad(kplHostile.keyIndexOutOfRange, KplDecodeError),
      bad(kplHostile.hashKeyIndexOutOfRange, KplDecodeError),
      bad(kplHostile.hugeDeclaredLength, KplDecodeError),
      bad(kplHostile.overlongVarint, KplDecodeError),
      bad(kplHostile.nestedGroups, KplDecodeError),
      // Bad magic: not an aggregate, read as one plain item, which is not JSON.
      bad(Buffer.from([0xf3, 0x89, 0x9a, 0xc3, 0x01, 0x02]), DeserializationError),
      bad(kplOf(Buffer.from('2'), Buffer.from([0x22, 0xff, 0x22])), DeserializationError),
      good('3'),
    ],
  },
  {
    name: 'KPL msgpack',
    processor: () => kplMsgpackProcessor(),
    records: () => [
      good(kplOf(Buffer.from([0x00]), Buffer.from([0x01])), 2),
      bad(kplOf(Buffer.from([0x02]), msgpackHostile.cycle.subarray(3, -1)), DeserializationError),
      bad(kplOf(Buffer.alloc(100_000, 0x91)), DeserializationError),
      good(Buffer.from([0x03])),
    ],
  },
];

/** Writes the records in order, one call each (a refused call is sent again after a pause). */
async function write(streamName: string, records: readonly Entry[]): Promise<string[]> {
  const client = kinesis.createClient();
  try {
    const sequences: string[] = [];
    for (const record of records) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const output = await client.send(
            new PutRecordCommand({ StreamName: streamName, PartitionKey: KEY, Data: record.data }),
          );
          sequences.push(output.SequenceNumber ?? '');
          break;
        } catch (error) {
          // Throttled (1 MiB/s per shard: records at the limit) or a 500: back off and send again.
          if (attempt >= 40) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * Math.min(attempt + 1, 10)));
        }
      }
    }
    return sequences;
  } finally {
    client.destroy();
  }
}

/** Functions and Object.prototype anywhere in a decoded value (a shallow-bounded walk). */
function foreignValues(value: unknown): string[] {
  const found: string[] = [];
  const pending: unknown[] = [value];
  for (let seen = 0; pending.length > 0 && seen < 10_000; seen += 1) {
    const next = pending.pop();
    if (typeof next === 'function') found.push(`function ${next.name}`);
    else if (next === Object.prototype) found.push('Object.prototype');
    else if (typeof next === 'object' && next !== null && !ArrayBuffer.isView(next))
      pending.push(...Object.values(next));
  }
  return found;
}

interface RunResult {
  readonly handled: string[];
  /** Values that no record can hold: functions and Object.prototype, found in handled items. */
  readonly foreign: string[];
  readonly deadLetters: { readonly sequenceNumber: string; readonly error: RecordDecodeError }[];
  readonly error: unknown;
}

/** One run from the checkpointer's state; with the hook it stops after `items` good items. */
async function run(
  streamName: string,
  processor: Processor<unknown>,
  checkpointer: MemoryCheckpointer,
  withHook: { readonly items: number } | undefined,
): Promise<RunResult> {
  const handled: string[] = [];
  const foreign: string[] = [];
  const deadLetters: RunResult['deadLetters'] = [];
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    retryLimit: Number.POSITIVE_INFINITY,
  });
  const onDecodeError = (error: RecordDecodeError, record: KinesisRecord) =>
    void deadLetters.push({ sequenceNumber: record.sequenceNumber, error });
  const error = await lastValueFrom(
    consumer.pipe(
      deserialize(processor, withHook === undefined ? {} : { onDecodeError }),
      concatMap((item: KinesisItem<unknown>) =>
        from(
          Promise.resolve().then(() => {
            handled.push(`${item.sequenceNumber}/${item.subSequenceNumber ?? 0}`);
            foreign.push(...foreignValues(item.data).map((what) => `${item.sequenceNumber}: ${what}`));
            return item;
          }),
        ),
      ),
      checkpoint({ intervalMs: 0 }),
      take(withHook?.items ?? Number.POSITIVE_INFINITY),
      toArray(),
    ),
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await consumer.stopped();
  return { handled, foreign, deadLetters, error };
}

describe.each(cases)('hostile records, $name', ({ name, processor, records }) => {
  it('each hostile record is dead-lettered once with its typed error; every good item handled once; the position ends at the last record', async () => {
    const streamName = uniqueStreamName(name.replace(/[^a-z]+/gi, '-'));
    await kinesis.createStream(streamName, 1);
    const entries = records();
    const sequences = await write(streamName, entries);
    const expectedHandled = entries.flatMap((entry, index) =>
      typeof entry.expect === 'number'
        ? Array.from({ length: entry.expect }, (_, sub) => `${sequences[index]}/${sub}`)
        : [],
    );
    const hostile = entries.flatMap((entry, index) =>
      typeof entry.expect === 'number'
        ? []
        : [{ sequenceNumber: sequences[index] as string, cause: entry.expect }],
    );
    const secret = kinesis.credentials.secretAccessKey;

    // Without a hook: the first hostile record ends the run; nothing is stored past the record before it.
    const bare = new MemoryCheckpointer();
    const firstBad = entries.findIndex((entry) => typeof entry.expect !== 'number');
    const stopped = await run(streamName, processor(), bare, undefined);
    expect(stopped.error).toBeInstanceOf(RecordDecodeError);
    const stoppedError = stopped.error as RecordDecodeError;
    expect(stoppedError.context).toMatchObject({
      streamName,
      shardId: SHARD,
      sequenceNumber: sequences[firstBad],
    });
    expect(stoppedError.cause).toBeInstanceOf(entries[firstBad]?.expect as Cause);
    // The error overtakes items still in the handler: what was handled is a prefix of the good
    // items before the hostile record, and the position stored covers only fully handled records.
    const before = expectedHandled.filter((key) =>
      sequences.slice(0, firstBad).some((sequence) => key.startsWith(`${sequence}/`)),
    );
    expect(before.slice(0, stopped.handled.length)).toEqual(stopped.handled);
    const storedBare = await bare.getCheckpoint(streamName, SHARD);
    if (storedBare !== undefined) {
      expect(storedBare.kind).toBe('position');
      const at = sequences.indexOf(storedBare.kind === 'position' ? storedBare.position.sequenceNumber : '');
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(firstBad);
      const recordItems = expectedHandled.filter((key) => key.startsWith(`${sequences[at]}/`));
      expect(stopped.handled).toEqual(expect.arrayContaining(recordItems));
    }

    // With a dead-letter hook: every hostile record reaches it once, every good item is handled.
    const checkpointer = new MemoryCheckpointer();
    const result = await run(streamName, processor(), checkpointer, { items: expectedHandled.length });
    expect(result.error).toBeUndefined();
    expect(result.handled).toEqual(expectedHandled);
    expect(result.foreign).toEqual([]);
    expect(result.deadLetters.map((letter) => letter.sequenceNumber)).toEqual(
      hostile.map((entry) => entry.sequenceNumber),
    );
    result.deadLetters.forEach((letter, index) => {
      const { error } = letter;
      expect(error).toBeInstanceOf(RecordDecodeError);
      expect(error.retriable).toBe(false);
      expect(error.context).toMatchObject({
        streamName,
        shardId: SHARD,
        sequenceNumber: letter.sequenceNumber,
      });
      expect(error.cause).toBeInstanceOf(hostile[index]?.cause as Cause);
      expect(error.message).toContain(letter.sequenceNumber);
      expect(error.message.length).toBeLessThan(2000);
      expect(`${error.message} ${String(error.cause)}`).not.toContain(secret);
    });
    expect(Object.prototype).not.toHaveProperty('polluted');
    const stored = await checkpointer.getCheckpoint(streamName, SHARD);
    expect(stored).toMatchObject({ kind: 'position', position: { sequenceNumber: sequences.at(-1) } });
  });
});
