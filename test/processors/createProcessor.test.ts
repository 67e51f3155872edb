// createProcessor() took anything (`createProcessor(1, 2)`) and the mistake showed only when the
// processor was first used, far from where it was made, or as a TypeError from inside the producer.
// It now refuses its arguments at once, naming the one that is wrong.
import {
  createProcessor,
  InvalidOptionError,
  jsonSerializer,
  newlineAggregator,
  type Aggregator,
  type Serializer,
} from '../../src/index.js';

function refused(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

const serializer = jsonSerializer();
const aggregator = newlineAggregator();

it('makes a processor of a serializer and an aggregator', () => {
  expect(createProcessor('lines', serializer, aggregator)).toEqual({ name: 'lines', serializer, aggregator });
});

it.each([
  [
    'a name that is not a string',
    () => createProcessor(1 as unknown as string, serializer, aggregator),
    'name',
  ],
  ['an empty name', () => createProcessor('', serializer, aggregator), 'name'],
  [
    'a serializer that is not one',
    () => createProcessor('x', 2 as unknown as Serializer<unknown>, aggregator),
    'serializer',
  ],
  [
    'a serializer without deserialize()',
    () => createProcessor('x', { name: 's', serialize: () => new Uint8Array() } as never, aggregator),
    'serializer',
  ],
  [
    'an aggregator that is not one',
    () => createProcessor('x', serializer, undefined as unknown as Aggregator),
    'aggregator',
  ],
  [
    'an aggregator without its aggregates flag',
    () =>
      createProcessor(
        'x',
        serializer,
        Object.create(aggregator, { aggregates: { value: undefined } }) as Aggregator,
      ),
    'aggregator',
  ],
])('refuses %s', (_, run, option) => {
  const error = refused(run);
  expect(error.option).toBe(option);
  expect(error.retriable).toBe(false);
});
