// Hostile items and hostile callbacks through toKinesis() and Producer with every processor: each
// bad item fails on its own with a typed error naming it, good items around it are stored, and
// nothing is thrown out of pipe() or out of the process.
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import {
  jsonLineProcessor,
  jsonProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  msgpackProcessor,
  stringProcessor,
} from '../../../../src/processors/namedProcessors.js';
import { createProcessor, type Processor } from '../../../../src/processors/Processor.js';
import { noneAggregator } from '../../../../src/processors/aggregators/noneAggregator.js';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { InvalidExplicitHashKeyError } from '../../../../src/producer/errors/InvalidExplicitHashKeyError.js';
import { InvalidPartitionKeyError } from '../../../../src/producer/errors/InvalidPartitionKeyError.js';
import { ItemSerializationError } from '../../../../src/producer/errors/ItemSerializationError.js';
import { ItemTooLargeError } from '../../../../src/producer/errors/ItemTooLargeError.js';
import { Producer } from '../../../../src/producer/Producer.js';
import { AfterFlushError } from '../../../../src/producer/errors/AfterFlushError.js';
import { RxjsKinesisError } from '../../../../src/errors/RxjsKinesisError.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

type Item = unknown;

function circular(): Record<string, unknown> {
  const item: Record<string, unknown> = { a: 1 };
  item.self = item;
  return item;
}

/** Items no processor can write, whatever its format. */
const refusedByAll: Record<string, () => Item> = {
  circular,
  'a cycle deeper in': () => ({ deep: circular() }),
  'a getter that throws': () => ({
    get bad(): never {
      throw new Error('getter');
    },
  }),
  'toJSON that throws': () => ({
    toJSON(): never {
      throw new Error('toJSON');
    },
  }),
  'a Proxy that throws': () =>
    new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
        get: () => {
          throw new Error('get');
        },
      },
    ),
  undefined: () => undefined,
  'a function': () => () => 1,
  'a huge string (2 MiB)': () => 'x'.repeat(2 * 1024 * 1024),
};

const processors: Record<
  string,
  { make: () => Processor<Item>; good: Item[]; refused: Record<string, () => Item> }
> = {
  json: {
    make: () => jsonProcessor<Item>(),
    good: [{ a: 1 }, '\ud800 lone surrogate, escaped', new Map([[1, 2]]), null],
    refused: { ...refusedByAll, bigint: () => 10n, 'a bigint inside': () => ({ a: [1n] }) },
  },
  'json lines': {
    make: () => jsonLineProcessor<Item>(),
    good: [{ a: 1 }, 'line', [1, 2, 3]],
    refused: { ...refusedByAll, bigint: () => 10n },
  },
  msgpack: {
    make: () => msgpackProcessor<Item>(),
    good: [{ a: 1 }, 10n, new Uint8Array([1, 2])],
    refused: {
      ...refusedByAll,
      'a lone surrogate': () => ({ a: ['\udc00x'] }),
      'undefined inside': () => ({ a: undefined }),
      'an invalid Date': () => new Date(NaN),
      'a DataView': () => new DataView(new ArrayBuffer(4)),
    },
  },
  'kpl json': {
    make: () => kplJsonProcessor<Item>(),
    good: [{ a: 1 }, 'x', 3],
    refused: { ...refusedByAll, bigint: () => 10n },
  },
  'kpl msgpack': {
    make: () => kplMsgpackProcessor<Item>(),
    good: [{ a: 1 }, 2n],
    refused: { ...refusedByAll, 'a lone surrogate': () => '\ud800' },
  },
  string: {
    make: () => stringProcessor() as unknown as Processor<Item>,
    good: ['plain', 'ünïcödé'],
    refused: {
      'a number': () => 1,
      'an object': () => ({ a: 1 }),
      'a lone surrogate': () => 'a\ud800b',
      'a huge string (2 MiB)': () => 'x'.repeat(2 * 1024 * 1024),
      undefined: () => undefined,
    },
  },
};

describe('hostile items through toKinesis({ onFailure: "emit" })', () => {
  for (const [name, { make, good, refused }] of Object.entries(processors)) {
    it(`${name}: every refused item is a failed report with a typed error naming it; good items are stored`, async () => {
      const streamName = uniqueStreamName('hostile');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      // Good and bad items interleaved: a bad one must not take its neighbours with it.
      const inputs: { label: string; item: Item; good: boolean }[] = [];
      const refusedEntries = Object.entries(refused);
      for (let i = 0; i < Math.max(good.length, refusedEntries.length); i += 1) {
        if (i < good.length) inputs.push({ label: `good ${i}`, item: good[i], good: true });
        const entry = refusedEntries[i];
        if (entry !== undefined) inputs.push({ label: entry[0], item: entry[1](), good: false });
      }
      const reports = await lastValueFrom(
        from(inputs.map((input) => input.item)).pipe(
          toKinesis<Item>({
            streamName,
            client,
            processor: make(),
            partitionKey: 'k',
            bufferTime: 10,
            onFailure: 'emit',
          }),
          toArray(),
        ),
      );
      expect(reports).toHaveLength(inputs.length);
      const byIndex = new Map<number, DeliveryReport<Item>>(reports.map((report) => [report.index, report]));
      expect(byIndex.size).toBe(inputs.length);
      inputs.forEach((input, index) => {
        const report = byIndex.get(index)!;
        if (input.good) {
          expect({ label: input.label, status: report.status }).toEqual({
            label: input.label,
            status: 'delivered',
          });
        } else {
          expect({ label: input.label, status: report.status }).toEqual({
            label: input.label,
            status: 'failed',
          });
          const error = (report as { error: unknown }).error;
          expect(error instanceof ItemSerializationError || error instanceof ItemTooLargeError).toBe(true);
          expect((error as RxjsKinesisError).context.itemIndex).toBe(index);
          expect((error as RxjsKinesisError).retriable).toBe(false);
        }
      });
      const stored = await readStream(client, streamName, 1);
      client.destroy();
      expect(stored.length).toBeGreaterThan(0);
    });
  }
});

/** A thrown value with no string form: String() of it throws. */
function unprintable(): unknown {
  return Object.create(null) as unknown;
}
function printingThrows(): unknown {
  return {
    toString(): never {
      throw unprintable();
    },
  };
}

describe('callbacks that throw values with no string form', () => {
  const cases: { label: string; expected: new (...args: never[]) => RxjsKinesisError; options: object }[] = [
    {
      label: 'partitionKey throws a null-prototype object',
      expected: InvalidPartitionKeyError,
      options: {
        partitionKey: (item: number) =>
          item === 1
            ? (() => {
                throw unprintable();
              })()
            : 'k',
      },
    },
    {
      label: 'partitionKey throws an object whose toString throws',
      expected: InvalidPartitionKeyError,
      options: {
        partitionKey: (item: number) =>
          item === 1
            ? (() => {
                throw printingThrows();
              })()
            : 'k',
      },
    },
    {
      label: 'explicitHashKey throws a null-prototype object',
      expected: InvalidExplicitHashKeyError,
      options: {
        partitionKey: 'k',
        explicitHashKey: (item: number) =>
          item === 1
            ? (() => {
                throw unprintable();
              })()
            : undefined,
      },
    },
    {
      label: 'a serializer throws an object whose toString throws',
      expected: ItemSerializationError,
      options: {
        partitionKey: 'k',
        processor: createProcessor(
          'picky',
          {
            name: 'picky',
            serialize: (item: number) => {
              if (item === 1) throw printingThrows();
              return Buffer.from(String(item));
            },
            deserialize: (bytes: Uint8Array) => Number(Buffer.from(bytes).toString()),
          },
          noneAggregator(),
        ),
      },
    },
  ];

  for (const { label, expected, options } of cases) {
    it(`toKinesis(): ${label} fails that item with ${expected.name}`, async () => {
      const streamName = uniqueStreamName('hostile');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      const reports = await lastValueFrom(
        from([0, 1, 2]).pipe(
          toKinesis<number>({ streamName, client, bufferTime: 10, onFailure: 'emit', ...options }),
          toArray(),
        ),
      );
      client.destroy();
      const sorted = [...reports].sort((a, b) => a.index - b.index);
      expect(sorted.map((report) => report.status)).toEqual(['delivered', 'failed', 'delivered']);
      const error = (sorted[1] as { error: unknown }).error;
      expect(error).toBeInstanceOf(expected);
      expect((error as RxjsKinesisError).context.itemIndex).toBe(1);
    });

    it(`Producer: ${label} rejects put() with ${expected.name}`, async () => {
      const streamName = uniqueStreamName('hostile');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      const producer = new Producer<number>({ streamName, client, bufferTime: 10, ...options });
      await producer.put(0);
      const refused = producer.put(1).then(
        () => undefined,
        (error: unknown) => error,
      );
      await producer.put(2);
      await producer.close();
      client.destroy();
      const error = await refused;
      expect(error).toBeInstanceOf(expected);
      expect((error as RxjsKinesisError).context.itemIndex).toBe(1);
    });
  }
});

describe('an afterFlush that rejects with a value with no string form', () => {
  it('toKinesis(): the items are reported delivered, then the output errors with AfterFlushError', async () => {
    const streamName = uniqueStreamName('hostile');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const reports: DeliveryReport<number>[] = [];
    const outcome = await new Promise<unknown>((resolve) => {
      from([0, 1, 2])
        .pipe(
          toKinesis<number>({
            streamName,
            client,
            bufferTime: 10,
            afterFlush: () => Promise.reject(unprintable()),
          }),
        )
        .subscribe({
          next: (report) => reports.push(report),
          error: resolve,
          complete: () => resolve('completed'),
        });
    });
    client.destroy();
    expect(reports.map((report) => [report.index, report.status])).toEqual([
      [0, 'delivered'],
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
    expect(outcome).toBeInstanceOf(AfterFlushError);
  });
});

describe('a callback that throws a revoked Proxy', () => {
  it('toKinesis(): the item still fails on its own with an RxjsKinesisError; its neighbours are delivered', async () => {
    const streamName = uniqueStreamName('hostile');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const reports = await lastValueFrom(
      from([0, 1, 2]).pipe(
        toKinesis<number>({
          streamName,
          client,
          bufferTime: 10,
          onFailure: 'emit',
          partitionKey: (item) => {
            if (item === 1) throw revoked.proxy;
            return 'k';
          },
        }),
        toArray(),
      ),
    );
    client.destroy();
    const sorted = [...reports].sort((a, b) => a.index - b.index);
    expect(sorted.map((report) => report.status)).toEqual(['delivered', 'failed', 'delivered']);
    expect((sorted[1] as { error: unknown }).error).toBeInstanceOf(RxjsKinesisError);
  });
});
