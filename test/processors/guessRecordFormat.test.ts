import { formatMismatchHint, guessRecordFormat } from '../../src/processors/guessRecordFormat.js';
import type { AggregatorEntry } from '../../src/processors/Aggregator.js';
import {
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  msgpackProcessor,
  stringProcessor,
} from '../../src/processors/namedProcessors.js';
import type { Processor } from '../../src/processors/Processor.js';

/** One record as `processor` writes `items`. */
function written(processor: Processor<unknown>, items: unknown[]): Uint8Array {
  const accumulator = processor.aggregator.createAccumulator(1024 * 1024);
  for (const item of items) {
    const entry: AggregatorEntry = { data: processor.serializer.serialize(item), partitionKey: 'k' };
    expect(accumulator.add(entry)).toBeUndefined();
  }
  const record = accumulator.flush();
  if (record === undefined) throw new Error('nothing written');
  return record.data;
}

const items = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b' },
];

describe('guessRecordFormat', () => {
  it.each([
    ['jsonLine', jsonLineProcessor(), 'JSON lines'],
    ['jsonList', jsonListProcessor(), 'a JSON list'],
    ['msgpack', msgpackProcessor(), 'msgpack in netstrings'],
    ['kplJson', kplJsonProcessor(), 'a KPL aggregated record'],
  ])('recognises what %s writes', (name, processor, description) => {
    const guess = guessRecordFormat(written(processor, items));
    expect(guess?.description).toBe(description);
    expect(guess?.names).toContain(name);
  });

  it('recognises one JSON value, and a one-line JSON lines record by its trailing newline', () => {
    expect(guessRecordFormat(written(jsonProcessor(), [{ id: 1 }]))?.names).toEqual(['json']);
    expect(guessRecordFormat(written(jsonLineProcessor(), [{ id: 1 }]))?.names).toEqual(['jsonLine']);
  });

  it('guesses nothing for plain text or empty data', () => {
    expect(guessRecordFormat(written(stringProcessor(), ['hello world']))).toBeUndefined();
    expect(guessRecordFormat(new Uint8Array())).toBeUndefined();
  });
});

describe('formatMismatchHint', () => {
  it('names the format and the processor to use when the consumer reads another format', () => {
    expect(formatMismatchHint(written(jsonLineProcessor(), items), 'json')).toBe(
      "the record looks like JSON lines (read with jsonLineProcessor()); this consumer's processor is json",
    );
  });

  it('says nothing when the format matches the processor (the failure is elsewhere)', () => {
    expect(formatMismatchHint(written(jsonLineProcessor(), items), 'jsonLine')).toBeUndefined();
    expect(formatMismatchHint(written(kplJsonProcessor(), items), 'kplString')).toBeUndefined();
  });
});
