// What deserialize() holds while a large record's items are paused mid-emission, run as a child
// process by deserializeHeap.test.ts so that its memory is its own:
//   node --expose-gc <test/operators/pausedRecordHeap.ts compiled>
// For each case it builds one full 1 MiB record of tiny items, then measures live memory
// (heapUsed + arrayBuffers right after a full collection) before the record goes into
// deserialize() and again once its emission paused (maxItemsAhead items out, none settled), and
// sends one PausedRecordReport per case over IPC.
import { Subject, type Subscription } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type RecordHandle } from '../../src/consumer/RecordTracking.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { newlineAggregator } from '../../src/processors/aggregators/newlineAggregator.js';
import {
  jsonLineProcessor,
  jsonListProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  msgpackProcessor,
} from '../../src/processors/namedProcessors.js';
import { createProcessor, type Processor } from '../../src/processors/Processor.js';
import { bytesSerializer } from '../../src/processors/serializers/bytesSerializer.js';

export interface PausedRecordReport {
  readonly name: string;
  /** Items in the record, the keys of its key table (KPL), and its bytes. */
  readonly items: number;
  readonly keys: number;
  readonly recordBytes: number;
  /** Items emitted before the emission paused. */
  readonly emitted: number;
  /** Live bytes the paused record holds beyond the record's own bytes. */
  readonly retainedBytes: number;
  readonly error?: string;
}

const MAX_ITEMS_AHEAD = 1000;

interface Case {
  readonly name: string;
  readonly processor: Processor<unknown>;
  readonly item: unknown;
  /** Each item with a partition key of its own (as the KPL aggregates a shard's items). */
  readonly keyed?: boolean;
}

const CASES: readonly Case[] = [
  { name: 'JSON lines (text path)', processor: jsonLineProcessor(), item: 123 },
  {
    name: 'newline (byte path)',
    processor: createProcessor('lines', bytesSerializer(), newlineAggregator()) as Processor<unknown>,
    item: Buffer.from('123'),
  },
  { name: 'JSON list', processor: jsonListProcessor(), item: 123 },
  { name: 'netstring', processor: msgpackProcessor(), item: 123 },
  { name: 'KPL (text path)', processor: kplJsonProcessor(), item: 123 },
  { name: 'KPL (byte path)', processor: kplMsgpackProcessor(), item: 123 },
  { name: 'KPL, a key per item (text path)', processor: kplJsonProcessor(), item: 123, keyed: true },
  { name: 'KPL, a key per item (byte path)', processor: kplMsgpackProcessor(), item: 123, keyed: true },
];

function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * One record of `items` items (0: as many as 1 MiB, data + key, holds), each `item`, keyed 'k'
 * or (`keyed`) each with a key of its own.
 */
function recordOf(processor: Processor<unknown>, item: unknown, items = 0, keyed = false): Uint8Array {
  const accumulator = processor.aggregator.createAccumulator(1024 * 1024);
  const data = processor.serializer.serialize(item);
  for (let i = 0; items === 0 || i < items; i += 1) {
    const closed = accumulator.add({ data, partitionKey: keyed ? `k${i}` : 'k' });
    if (closed !== undefined) return closed.data;
  }
  return accumulator.flush()?.data ?? new Uint8Array(0);
}

/**
 * A reading as deserialize() sees it: nothing is ever settled, so emission pauses (or, with
 * `done` Infinity, every item is through checkpoint() at once).
 */
function pausedHandle(
  decoded: { items: number },
  waiting: { callback?: () => void },
  done = 0,
): RecordHandle {
  const reading = {
    skipped: () => undefined,
    itemsDecoded: (_sequence: string, items: number) => void (decoded.items = items),
    itemsDone: () => done,
    whenSettled: (callback: () => void) => {
      waiting.callback = callback;
      return () => (waiting.callback = undefined);
    },
  } as unknown as RecordHandle['reading'];
  return { reading, ledger: { id: 1 } as unknown as RecordHandle['ledger'] };
}

function record(data: Uint8Array, handle: RecordHandle): KinesisRecord {
  return {
    streamName: 'heap',
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
    partitionKey: 'k',
    data,
    approximateArrivalTimestamp: new Date(0),
    [RECORD_HANDLE]: handle,
  };
}

// Kept at module level so that nothing of a paused emission is collected while it is measured.
let subscription: Subscription | undefined;
const waiting: { callback?: () => void } = {};

function measure({ name, processor, item, keyed = false }: Case): PausedRecordReport {
  const data = recordOf(processor, item, 0, keyed);
  const decoded = { items: 0 };
  const handle = pausedHandle(decoded, waiting);
  const source = new Subject<KinesisRecord>();
  let emitted = 0;
  let failure: unknown;
  subscription = source.pipe(deserialize(processor, { maxItemsAhead: MAX_ITEMS_AHEAD })).subscribe({
    next: () => void (emitted += 1),
    error: (error: unknown) => void (failure = error),
  });
  // The same code paths once first (a small record, a large one let through): what they load
  // and compile is not counted.
  source.next(record(recordOf(processor, item, 10, keyed), pausedHandle({ items: 0 }, {})));
  source.next(record(recordOf(processor, item, 3000, keyed), pausedHandle({ items: 0 }, {}, Infinity)));
  emitted = 0;
  const input = record(data, handle);
  const before = liveBytes();
  source.next(input);
  const retainedBytes = liveBytes() - before;
  if (failure !== undefined) throw failure;
  subscription.unsubscribe();
  subscription = undefined;
  waiting.callback = undefined;
  const keys = keyed ? decoded.items : 1;
  return { name, items: decoded.items, keys, recordBytes: input.data.byteLength, emitted, retainedBytes };
}

for (const each of CASES) {
  let report: PausedRecordReport;
  try {
    report = measure(each);
  } catch (error) {
    report = {
      name: each.name,
      items: 0,
      keys: 0,
      recordBytes: 0,
      emitted: 0,
      retainedBytes: 0,
      error: String(error),
    };
  }
  process.send?.(report);
}
process.disconnect?.();
