// Values that did not come from fromKinesis() or deserialize() emitted into checkpoint() (or
// dropped by checkpointFilter(), or values that are no record given to deserialize()): each
// errors the pipeline through `error`, in both modes, whatever the value does when read (a Proxy
// whose traps throw, a revoked Proxy); nothing is passed on or settled, nothing is thrown from
// `next`, and deserialize()'s onDecodeError is never handed anything but a RecordDecodeError.
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { NotAConsumerRecordError } from '../../src/consumer/errors/NotAConsumerRecordError.js';
import { UntrackedRecordError } from '../../src/consumer/errors/UntrackedRecordError.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { checkpointFilter } from '../../src/operators/checkpointFilter.js';
import { deserialize } from '../../src/operators/deserialize.js';
import type { Aggregator, DeaggregatedItem } from '../../src/processors/Aggregator.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import { RecordDecodeError } from '../../src/processors/errors/RecordDecodeError.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { jsonSerializer } from '../../src/processors/serializers/jsonSerializer.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import type { Checkpointable } from '../../src/operators/checkpointOptions.js';

const THROWING_TRAP = new Error('trap');
const throwing = new Proxy(
  {},
  {
    get: () => {
      throw THROWING_TRAP;
    },
  },
);
const revoked = Proxy.revocable({}, {});
revoked.revoke();

const untrackedRecord = {
  streamName: 's',
  shardId: 'shardId-0',
  sequenceNumber: '1',
  data: new Uint8Array(0),
};

const cases: readonly [string, unknown, (error: unknown) => boolean][] = [
  ['null', null, (error) => error instanceof NotAConsumerRecordError && error.message.endsWith('got null')],
  ['undefined', undefined, (error) => error instanceof NotAConsumerRecordError],
  ['a number', 7, (error) => error instanceof NotAConsumerRecordError],
  ['a string', '49590', (error) => error instanceof NotAConsumerRecordError],
  ['an empty object', {}, (error) => error instanceof NotAConsumerRecordError],
  ['an array', [1, 2], (error) => error instanceof NotAConsumerRecordError],
  [
    'an item whose record has no sequence number',
    { record: {}, subSequenceNumber: 0 },
    (error) => error instanceof NotAConsumerRecordError,
  ],
  ['a record no consumer emitted', untrackedRecord, (error) => error instanceof UntrackedRecordError],
  [
    'an item of a record no consumer emitted',
    { record: untrackedRecord, subSequenceNumber: 0, subRecordCount: 2 },
    (error) => error instanceof UntrackedRecordError,
  ],
  ['a Proxy whose get trap throws', throwing, (error) => error === THROWING_TRAP],
  ['a revoked Proxy', revoked.proxy, (error) => error instanceof TypeError],
];

describe.each([
  ['ordered', () => checkpoint<Checkpointable>({ intervalMs: 0 })],
  ['concurrent', () => checkpoint<Checkpointable>({ mode: 'concurrent', process: () => [1], intervalMs: 0 })],
])('checkpoint() (%s mode) given a hostile value', (_mode, operator) => {
  it.each(cases)('%s: errors through error(), emits nothing', (_name, value, expected) => {
    let caught: unknown;
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(
      ({ cold, expectObservable }) => {
        const source = cold('a', { a: value }) as unknown as Observable<Checkpointable>;
        const output = new Observable<string>((subscriber) =>
          source.pipe(operator()).subscribe({
            next: () => subscriber.next('n'),
            error: (error: unknown) => {
              caught = error;
              subscriber.next('e');
              subscriber.complete();
            },
            complete: () => subscriber.complete(),
          }),
        );
        expectObservable(output).toBe('(e|)');
      },
    );
    expect(expected(caught)).toBe(true);
  });
});

describe('checkpointFilter() given a hostile value', () => {
  const droppable = cases.filter(
    ([, , expected]) =>
      expected(new NotAConsumerRecordError(null)) || expected(new UntrackedRecordError('s', 'shardId-0')),
  );
  it.each(droppable)('%s, dropped: dropped quietly', (_name, value) => {
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(
      ({ cold, expectObservable }) => {
        const source = cold('a|', { a: value }) as unknown as Observable<Checkpointable>;
        expectObservable(source.pipe(checkpointFilter(() => false))).toBe('-|');
      },
    );
  });

  it.each([
    ['a Proxy whose get trap throws', throwing, (error: unknown) => error === THROWING_TRAP],
    ['a revoked Proxy', revoked.proxy, (error: unknown) => error instanceof TypeError],
  ] as const)('%s, dropped: errors through error()', (_name, value, expected) => {
    let caught: unknown;
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(
      ({ cold, expectObservable }) => {
        const source = cold('a|', { a: value }) as unknown as Observable<Checkpointable>;
        const output = new Observable<string>((subscriber) =>
          source.pipe(checkpointFilter(() => false)).subscribe({
            next: () => subscriber.next('n'),
            error: (error: unknown) => {
              caught = error;
              subscriber.next('e');
              subscriber.complete();
            },
            complete: () => subscriber.complete(),
          }),
        );
        expectObservable(output).toBe('(e|)');
      },
    );
    expect(expected(caught)).toBe(true);
  });
});

describe('deserialize() given a hostile value', () => {
  it.each([
    ['null', null],
    ['a Proxy whose get trap throws', throwing],
    ['a revoked Proxy', revoked.proxy],
  ] as const)(
    '%s, with or without onDecodeError: errors through error(), never given to the hook',
    (_name, value) => {
      const deadLetters: unknown[] = [];
      for (const options of [{}, { onDecodeError: (error: unknown) => void deadLetters.push(error) }]) {
        let caught: unknown;
        new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(
          ({ cold, expectObservable }) => {
            const source = cold('a|', { a: value }) as unknown as Observable<KinesisRecord>;
            const output = new Observable<string>((subscriber) =>
              source.pipe(deserialize(options)).subscribe({
                next: () => subscriber.next('n'),
                error: (error: unknown) => {
                  caught = error;
                  subscriber.next('e');
                  subscriber.complete();
                },
                complete: () => subscriber.complete(),
              }),
            );
            // Not a record whose data cannot be decoded: no dead letter, whatever the options.
            expectObservable(output).toBe('(e|)');
          },
        );
        expect(caught).toBeInstanceOf(Error);
        expect(caught).not.toBeInstanceOf(RecordDecodeError);
      }
      expect(deadLetters).toEqual([]);
    },
  );
});

describe('deserialize() given an aggregator that fails outside the calls it wraps', () => {
  it('hands onDecodeError a RecordDecodeError naming the record, and goes on', () => {
    const aggregator: Aggregator = {
      ...noneAggregator(),
      name: 'holey',
      // A hole where an item should be: reading it fails in deserialize(), not in the aggregator.
      deaggregate: () => [undefined as unknown as DeaggregatedItem],
    };
    const processor = createProcessor('holey', jsonSerializer(), aggregator);
    const record: KinesisRecord = {
      streamName: 'orders',
      shardId: 'shardId-0',
      sequenceNumber: '7',
      partitionKey: 'k',
      data: new TextEncoder().encode('1'),
      approximateArrivalTimestamp: new Date(0),
    };
    const deadLetters: unknown[] = [];
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(
      ({ cold, expectObservable }) => {
        const source = cold('a|', { a: record });
        expectObservable(
          source.pipe(deserialize(processor, { onDecodeError: (error) => void deadLetters.push(error) })),
        ).toBe('-|');
      },
    );
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toBeInstanceOf(RecordDecodeError);
    expect((deadLetters[0] as RecordDecodeError).context).toMatchObject({
      shardId: 'shardId-0',
      sequenceNumber: '7',
    });
  });
});
