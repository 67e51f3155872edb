// The producer's checks of a record an accumulator closed never refuse one of the built-in
// aggregators' records on legal input: items of every size up to and past a record's limit, empty
// items, several keys, a flush with nothing held, on the byte path and on the text path.
import type {
  Aggregator,
  RecordAccumulator,
  TextRecordAccumulator,
} from '../../src/processors/Aggregator.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { listAggregator } from '../../src/processors/aggregators/listAggregator.js';
import { netstringAggregator } from '../../src/processors/aggregators/netstringAggregator.js';
import { newlineAggregator } from '../../src/processors/aggregators/newlineAggregator.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import { RecordTooLargeError } from '../../src/processors/errors/RecordTooLargeError.js';
import { SerializationError } from '../../src/processors/errors/SerializationError.js';
import { accumulatorRecordFault } from '../../src/producer/accumulatorRecordFault.js';

const aggregators: [string, Aggregator][] = [
  ['kpl', kplAggregator()],
  ['list', listAggregator()],
  ['netstring', netstringAggregator()],
  ['newline', newlineAggregator()],
  ['none', noneAggregator()],
];
const paths = aggregators.flatMap(([name, aggregator]) => [
  [name, 'bytes', aggregator] as const,
  ...(aggregator.text === undefined ? [] : [[name, 'text', aggregator] as const]),
]);

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

test.each(paths)('%s accumulators (%s) close no record the producer refuses', (_, path, aggregator) => {
  const faults: string[] = [];
  const random = generator(7);
  for (const maxRecordBytes of [1, 2, 5, 16, 100, 257, 4096]) {
    for (let run = 0; run < 10; run += 1) {
      const accumulator: RecordAccumulator | TextRecordAccumulator =
        path === 'text'
          ? aggregator.text!.createAccumulator(maxRecordBytes, { newlineFree: run % 2 === 0, ascii: true })
          : aggregator.createAccumulator(maxRecordBytes);
      let held = 0;
      const check = (record: ReturnType<typeof accumulator.flush>, count: number, all: boolean) => {
        const fault = accumulatorRecordFault(
          record,
          count,
          all,
          record === undefined ? 0 : accumulator.itemCount,
        );
        if (fault !== undefined) faults.push(`${maxRecordBytes} bytes, run ${run}: ${fault}`);
      };
      for (let step = 0; step < 100; step += 1) {
        const pick = random();
        if (pick < 0.1) {
          check(accumulator.flush(), held, true);
          held = 0;
          continue;
        }
        // Empty items, items exactly at the limit, one byte past it, just below it, and small ones.
        const length =
          pick < 0.25
            ? 0
            : pick < 0.4
              ? maxRecordBytes
              : pick < 0.5
                ? maxRecordBytes + 1
                : pick < 0.65
                  ? Math.max(0, maxRecordBytes - 1 - Math.floor(random() * 8))
                  : Math.floor((random() * maxRecordBytes) / 3);
        const text = 'x'.repeat(length);
        const partitionKey = `k${Math.floor(random() * 3)}`;
        const explicitHashKey = random() < 0.1 ? String(Math.floor(random() * 1e6)) : undefined;
        let record;
        try {
          record =
            path === 'text'
              ? (accumulator as TextRecordAccumulator).add({ text, partitionKey, explicitHashKey })
              : (accumulator as RecordAccumulator).add({
                  data: Buffer.from(text),
                  partitionKey,
                  explicitHashKey,
                });
        } catch (error) {
          // Refused entries leave the accumulator as it was.
          if (!(error instanceof RecordTooLargeError || error instanceof SerializationError)) throw error;
          continue;
        }
        if (record === undefined) {
          held += 1;
        } else {
          check(record, held + 1, false);
          held = accumulator.itemCount;
        }
      }
      check(accumulator.flush(), held, true);
      check(accumulator.flush(), 0, true);
    }
  }
  expect(faults).toEqual([]);
});
