// The producer carries JSON lines items as text (one Buffer per record, not per item). Every case
// runs the same items through the text path and through the byte path of the same processor
// (its text halves removed) and expects the same records on the wire and the same reports.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import { createProcessor, type Processor } from '../../src/processors/Processor.js';
import type { Serializer } from '../../src/processors/Serializer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ItemSerializationError } from '../../src/producer/errors/ItemSerializationError.js';
import { ItemTooLargeError } from '../../src/producer/errors/ItemTooLargeError.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { randomJson, randomString, seededRandom } from '../../test/processors/seededRandom.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/** What a run put on the wire (each call's records) and reported (in order). */
interface Outcome {
  readonly calls: unknown[];
  readonly reports: unknown[];
  readonly stored: number;
}

function produce<T>(items: T[], options: Partial<ToKinesisOptions<T>>): Outcome {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: unknown[] = [];
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, { shards: 4 });
    of(...items)
      .pipe(toKinesis<T>({ streamName: 'orders', client: fake.client, random: () => 0.5, ...options }))
      .subscribe({
        next: (report: DeliveryReport<T>) =>
          reports.push(
            report.status === 'delivered'
              ? [report.index, report.shardId, report.sequenceNumber, report.partitionKey]
              : [report.index, report.error.constructor.name, report.error.message],
          ),
        error: (error: Error) => reports.push(['error', error.message]),
        complete: () => reports.push('complete'),
      });
  });
  return {
    calls: fake.calls.map((call) => [
      call.time,
      call.records.map((record) => [record.partitionKey, record.data]),
    ]),
    reports,
    stored: fake.stored.length,
  };
}

/** The processor without its text halves: the byte path. */
function bytePath<T>(processor: Processor<T>): Processor<T> {
  const { serializer, aggregator } = processor;
  return createProcessor(
    processor.name,
    { name: serializer.name, serialize: serializer.serialize, deserialize: serializer.deserialize },
    {
      name: aggregator.name,
      aggregates: aggregator.aggregates,
      createAccumulator: aggregator.createAccumulator,
      deaggregate: aggregator.deaggregate,
    },
  );
}

/** Runs both paths; returns the text path's outcome after checking the byte path's is equal. */
function onBothPaths<T>(processor: Processor<T>, items: T[], options: Partial<ToKinesisOptions<T>>): Outcome {
  expect(processor.serializer.text).toBeDefined();
  const viaText = produce(items, { ...options, processor });
  expect(viaText).toEqual(produce(items, { ...options, processor: bytePath(processor) }));
  return viaText;
}

describe('the producer on the JSON lines text path', () => {
  it.each(['compact', 'python'] as const)(
    'puts the same records and reports the same as the byte path, %s style (random values, 4 shards)',
    (style) => {
      const random = seededRandom(style === 'python' ? 31 : 32);
      const items = Array.from({ length: 600 }, (_, i) =>
        i % 50 === 0
          ? { pad: '中'.repeat(300), i }
          : { value: randomJson(random), text: randomString(random, 30) },
      );
      const keys = Array.from({ length: 8 }, (_, i) => `key-é-${i}`);
      const outcome = onBothPaths(jsonLineProcessor({ style }), items, {
        partitionKey: (_item, index) => keys[index % keys.length]!,
        maxRecordBytes: 4096,
      });
      expect(outcome.stored).toBeGreaterThan(10);
      expect(outcome.reports).toHaveLength(601);
    },
  );

  it('aggregates with the default random keys as the byte path does', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ i, name: `naïve-${i}` }));
    const outcome = onBothPaths(jsonLineProcessor(), items, {
      partitionKey: undefined,
      maxRecordBytes: 2048,
    });
    expect(outcome.reports.at(-1)).toBe('complete');
  });

  it('fails an item whose text holds a line feed, as the byte path does (a custom text serializer)', () => {
    const serializer: Serializer<string> = {
      name: 'raw',
      serialize: (item) => Buffer.from(item, 'utf8'),
      deserialize: (bytes) => Buffer.from(bytes).toString('utf8'),
      text: { newlineFree: false, ascii: false, serialize: (item) => item, deserialize: (text) => text },
    };
    const processor = createProcessor('raw', serializer, jsonLineProcessor().aggregator);
    const outcome = onBothPaths(processor, ['a', 'b\nc', 'd', '\ud800é'], {
      partitionKey: 'k',
      onFailure: 'emit',
    });
    expect(outcome.reports).toEqual([
      [1, ItemSerializationError.name, expect.stringContaining('newline')],
      [0, 'shardId-000000000002', expect.any(String), 'k'],
      [2, 'shardId-000000000002', expect.any(String), 'k'],
      [3, 'shardId-000000000002', expect.any(String), 'k'],
      'complete',
    ]);
    expect(outcome.calls).toEqual([[expect.any(Number), [['k', 'a\nd\n\ufffdé\n']]]]);
  });

  it('refuses an item too large for a record with the same size in bytes as the byte path', () => {
    // 'é' is 2 bytes: 40 of them (with quotes, key and newline) pass 64 bytes only counted in bytes.
    const outcome = onBothPaths(
      jsonLineProcessor({ style: 'compact' }),
      ['é'.repeat(25), 'é'.repeat(40), 'ok'],
      {
        partitionKey: 'k',
        maxRecordBytes: 64,
        onFailure: 'emit',
      },
    );
    expect(outcome.reports[0]).toEqual([1, ItemTooLargeError.name, expect.stringContaining('83 bytes')]);
    expect(outcome.stored).toBe(1);
  });
});
