import { performance } from 'node:perf_hooks';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { AggregatedRecord } from '../../processors/Aggregator.js';
import { MAX_RECORD_BYTES } from '../../kinesis/limits.js';
import { createProcessor, type Processor } from '../../processors/Processor.js';
import { textPathOf } from '../../processors/textPathOf.js';
import { Producer } from '../../producer/Producer.js';
import { randomPartitionKey } from '../../producer/randomPartitionKey.js';
import type { ProcessorChoice } from '../parseFlags.js';

/** One measured run of one processor. */
export interface BenchRun {
  readonly processor: string;
  readonly iteration: number;
  /** Items written (or encoded, on a dry run). */
  readonly items: number;
  /** Bytes of the serialized items, before aggregation. */
  readonly itemBytes: number;
  /** Kinesis records the items made. */
  readonly kinesisRecords: number;
  /** Bytes Kinesis counts for those records: data + partition keys. */
  readonly kinesisBytes: number;
  readonly seconds: number;
  /** PutRecords calls (absent on a dry run). */
  readonly putRecordsCalls?: number;
  /** Entries Kinesis throttled and the producer sent again (absent on a dry run). */
  readonly throttled?: number;
  /** Items that could not be delivered (absent on a dry run). */
  readonly failed?: number;
}

/** Items of about `bytes` serialized bytes: strings for string processors, JSON objects otherwise. */
export function makeBenchItems(choice: ProcessorChoice, count: number, bytes: number): unknown[] {
  if (choice.input === 'string') {
    const filler = 'x'.repeat(bytes);
    return Array.from({ length: count }, (_, i) =>
      `${i}:${filler}`.slice(0, Math.max(bytes, String(i).length + 1)),
    );
  }
  // {"id":123,"user":"user-123","ts":1700000000123,"ok":true,"note":"..."} ≈ 68 bytes + note
  const filler = 'x'.repeat(Math.max(0, bytes - 68));
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    user: `user-${i % 1000}`,
    ts: 1_700_000_000_000 + i,
    ok: i % 2 === 0,
    note: filler,
  }));
}

/** Wraps a processor so that it adds up the bytes of every item it serializes (on either path). */
function countingProcessor(processor: Processor<unknown>): {
  processor: Processor<unknown>;
  bytes: () => number;
} {
  let bytes = 0;
  const { serializer } = processor;
  const text = serializer.text;
  const counting = createProcessor(
    processor.name,
    {
      name: serializer.name,
      serialize(item: unknown): Uint8Array {
        const data = serializer.serialize(item);
        bytes += data.byteLength;
        return data;
      },
      deserialize: (data: Uint8Array) => serializer.deserialize(data),
      ...(text === undefined
        ? {}
        : {
            text: {
              newlineFree: text.newlineFree,
              ascii: text.ascii,
              serialize(item: unknown): string {
                const line = text.serialize(item);
                bytes += text.ascii ? line.length : Buffer.byteLength(line, 'utf8');
                return line;
              },
              deserialize: (line: string) => text.deserialize(line),
            },
          }),
    },
    processor.aggregator,
  );
  return { processor: counting, bytes: () => bytes };
}

/** Serializes and aggregates the items as the producer would for one shard, without sending them. */
export function encodeOnly(
  choice: ProcessorChoice,
  items: readonly unknown[],
  iteration: number,
  random: () => number = Math.random,
): BenchRun {
  const processor = choice.create();
  const keys = items.map(() => randomPartitionKey(random));
  const records: AggregatedRecord[] = [];
  let itemBytes = 0;
  const started = performance.now();
  const textPath = textPathOf(processor);
  if (textPath === undefined) {
    const accumulator = processor.aggregator.createAccumulator(MAX_RECORD_BYTES);
    for (let i = 0; i < items.length; i += 1) {
      const data = processor.serializer.serialize(items[i]);
      itemBytes += data.byteLength;
      const closed = accumulator.add({ data, partitionKey: keys[i]! });
      if (closed !== undefined) records.push(closed);
    }
    const last = accumulator.flush();
    if (last !== undefined) records.push(last);
  } else {
    // The text path, as the producer takes it (JSON lines): each item's text, one Buffer per record.
    const { serializer } = textPath;
    const accumulator = textPath.aggregator.createAccumulator(MAX_RECORD_BYTES, serializer);
    for (let i = 0; i < items.length; i += 1) {
      const text = serializer.serialize(items[i]);
      const textBytes = serializer.ascii ? text.length : Buffer.byteLength(text, 'utf8');
      itemBytes += textBytes;
      const closed = accumulator.add({ text, textBytes, partitionKey: keys[i]! });
      if (closed !== undefined) records.push(closed);
    }
    const last = accumulator.flush();
    if (last !== undefined) records.push(last);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    processor: choice.label,
    iteration,
    items: items.length,
    itemBytes,
    kinesisRecords: records.length,
    kinesisBytes: records.reduce((sum, record) => sum + record.size, 0),
    seconds,
  };
}

export interface PutAllOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly onProgress?: (delivered: number, failed: number) => void;
  /** Aborting stops sending: what was accepted is dropped and the run rejects. */
  readonly signal?: AbortSignal;
}

/** Writes the items with a Producer (random partition keys, Kinesis limits per shard) and measures it. */
export async function putAll(
  choice: ProcessorChoice,
  items: readonly unknown[],
  iteration: number,
  options: PutAllOptions,
): Promise<BenchRun> {
  const { processor, bytes } = countingProcessor(choice.create());
  const producer = new Producer<unknown>({
    streamName: options.streamName,
    client: options.client,
    processor,
    retryLimit: 50,
  });
  let delivered = 0;
  let failed = 0;
  let firstError: unknown;
  const subscription = producer.reports$.subscribe((report) => {
    if (report.status === 'delivered') delivered += 1;
    else {
      failed += 1;
      firstError ??= report.error;
    }
  });
  const progress = producer.metrics$.subscribe(() => options.onProgress?.(delivered, failed));
  const started = performance.now();
  try {
    for (const item of items) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      await producer.put(item);
    }
    await Promise.race([
      producer.close().catch(() => undefined),
      new Promise<never>((_, reject) => {
        if (options.signal?.aborted === true) reject(options.signal.reason);
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      }),
    ]);
  } finally {
    subscription.unsubscribe();
    progress.unsubscribe();
  }
  const seconds = (performance.now() - started) / 1000;
  options.onProgress?.(delivered, failed);
  if (failed > 0 && delivered === 0) throw firstError;
  const totals = producer.metrics().totals;
  return {
    processor: choice.label,
    iteration,
    items: items.length,
    itemBytes: bytes(),
    kinesisRecords: totals.records,
    kinesisBytes: totals.bytes,
    seconds,
    putRecordsCalls: producer.metrics().totals.putRecordsCalls,
    throttled: totals.throttled,
    failed,
  };
}
