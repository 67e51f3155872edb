/**
 * The contenders of bench/producer.ts: the bench's items, the hand-written PutRecords loops
 * (one record per item, hand-made JSON lines, aws-kinesis-agg) and the library's two ways in
 * (toKinesis() fed by a paced source, Producer with every put() awaited).
 */
import { createRequire } from 'node:module';
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { lastValueFrom, Observable, reduce } from 'rxjs';
import type { KinesisConnectionOptions } from '../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../src/operators/toKinesis.js';
import type { Processor } from '../src/processors/Processor.js';
import { Producer } from '../src/producer/Producer.js';
import { randomPartitionKey } from '../src/producer/randomPartitionKey.js';

/** PutRecords calls every contender keeps in flight (the library's default). */
export const IN_FLIGHT = 8;
/** The library's per-shard pacing, raised so that CPU alone bounds the throughput rows. */
export const RAISED_PACING = { putRateLimitPerShard: 1e9, putBandwidthLimitPerShard: 1e9 };

interface Aggregated {
  partitionKey: string;
  data: Buffer;
}
interface AwsKinesisAgg {
  RecordAggregator: new () => {
    aggregateRecords(
      records: { partitionKey: string; data: Buffer }[],
      forceFlush: boolean,
      onReady: (error: Error | null, record?: Aggregated) => void,
    ): void;
  };
}
const awsKinesisAgg = createRequire(__filename)('aws-kinesis-agg') as AwsKinesisAgg;

export type Item = Record<string, unknown>;

export function makeItem(i: number, size: number): Item {
  return {
    id: i,
    user: `user-${i % 1000}`,
    ts: 1_700_000_000_000 + i,
    ok: i % 2 === 0,
    note: 'x'.repeat(Math.max(1, size - 80)),
  };
}
/**
 * The library's default key (16 random hex digits), so that keys cost both sides the same: a
 * per-item crypto.randomBytes() or Number#toString(16) costs more than the rest of a small
 * item's trip, and is not what is compared here.
 */
export const randomKey = () => randomPartitionKey(Math.random);

/** Keeps IN_FLIGHT PutRecords calls going, taking batches from `next` until it returns none. */
async function baselineLoop(
  client: KinesisClient,
  streamName: string,
  next: () => PutRecordsRequestEntry[] | undefined,
): Promise<number> {
  let stored = 0;
  const worker = async () => {
    for (let entries = next(); entries !== undefined; entries = next()) {
      let pending = entries;
      while (pending.length > 0) {
        const answer = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
        const records = answer.Records ?? [];
        stored += pending.length - (answer.FailedRecordCount ?? 0);
        pending = answer.FailedRecordCount
          ? pending.filter((_, i) => records[i]?.ErrorCode !== undefined)
          : [];
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return stored;
}

/** One record per item: JSON.stringify + PutRecords, 500 entries a call. */
export function plainBaseline(
  client: KinesisClient,
  streamName: string,
  size: number,
  items: number,
): Promise<number> {
  let i = 0;
  return baselineLoop(client, streamName, () => {
    if (i >= items) return undefined;
    const entries: PutRecordsRequestEntry[] = [];
    for (; i < items && entries.length < 500; i += 1) {
      entries.push({ Data: Buffer.from(JSON.stringify(makeItem(i, size))), PartitionKey: randomKey() });
    }
    return entries;
  }).then(() => items);
}

/** Hand-made JSON lines: items joined into ~1 MiB records, 5 records a call. */
export function linesBaseline(
  client: KinesisClient,
  streamName: string,
  size: number,
  items: number,
): Promise<number> {
  let i = 0;
  return baselineLoop(client, streamName, () => {
    if (i >= items) return undefined;
    const entries: PutRecordsRequestEntry[] = [];
    while (i < items && entries.length < 5) {
      let text = '';
      for (; i < items && text.length < 1_000_000; i += 1) text += `${JSON.stringify(makeItem(i, size))}\n`;
      entries.push({ Data: Buffer.from(text), PartitionKey: randomKey() });
    }
    return entries;
  }).then(() => items);
}

/** aws-kinesis-agg: KPL records, 5 records a call (one random key per 1,000 items). */
export function kplBaseline(
  client: KinesisClient,
  streamName: string,
  size: number,
  items: number,
): Promise<number> {
  let i = 0;
  const aggregator = new awsKinesisAgg.RecordAggregator();
  const ready: Aggregated[] = [];
  const onReady = (error: Error | null, record?: Aggregated) => {
    if (error) throw error;
    if (record) ready.push(record);
  };
  return baselineLoop(client, streamName, () => {
    while (ready.length < 5 && i < items) {
      const chunk: { partitionKey: string; data: Buffer }[] = [];
      // One random key per 1,000 items, as the library's default key does for aggregated items.
      const partitionKey = randomKey();
      for (const end = Math.min(items, i + 1000); i < end; i += 1) {
        chunk.push({ partitionKey, data: Buffer.from(JSON.stringify(makeItem(i, size))) });
      }
      aggregator.aggregateRecords(chunk, i >= items, onReady);
    }
    if (ready.length === 0) return undefined;
    return ready.splice(0, 5).map((record) => ({ Data: record.data, PartitionKey: record.partitionKey }));
  }).then(() => items);
}

/** Tells a paced source that `n` more items were reported. */
interface Pacing {
  reported: (n: number) => void;
}

/**
 * RxJS has no backpressure, so the source of a toKinesis() run emits as an application would
 * that watches the reports: at most `window` items not yet reported, topped up after each
 * PutRecords answer. The `toKinesis()` contender's window is what the default queue bounds hold
 * for 4 shards (100,000 items, 64 MiB): a source that keeps the queue full. The paced contender's
 * is the calls in flight (8 × 500 items), about what `Producer.put()` lets in when awaited. The reports are counted through a plain
 * callback (an RxJS Subject here would cost the contender a few hundred bytes of garbage per
 * report that are not the library's).
 */
function pacedSource(count: number, size: number, window: number, pacing: Pacing): Observable<Item> {
  return new Observable<Item>((subscriber) => {
    let emitted = 0;
    let settled = 0;
    let scheduled = false;
    const pump = () => {
      scheduled = false;
      while (emitted < count && emitted - settled < window) {
        subscriber.next(makeItem(emitted, size));
        emitted += 1;
      }
      if (emitted >= count) subscriber.complete();
    };
    pacing.reported = (n) => {
      settled += n;
      if (!scheduled && emitted < count) {
        scheduled = true;
        queueMicrotask(pump);
      }
    };
    pump();
    return () => {
      pacing.reported = () => undefined;
    };
  });
}

/** What the default queue bounds hold for 4 shards (100,000 items, 64 MiB), a little under. */
export function queueWindow(size: number): number {
  return Math.min(100_000, Math.floor((60 * 1024 * 1024) / (size + 60)));
}

/** A window of the calls in flight: what an awaited `Producer.put()` lets the queue hold. */
export const CALLS_WINDOW = IN_FLIGHT * 500;

export function viaToKinesis(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  size: number,
  items: number,
  window = queueWindow(size),
): Promise<number> {
  const pacing: Pacing = { reported: () => undefined };
  return lastValueFrom(
    pacedSource(items, size, window, pacing).pipe(
      toKinesis<Item>({ streamName, ...connection, processor, ...RAISED_PACING }),
      reduce((count, report) => {
        pacing.reported(1);
        return count + (report.status === 'delivered' ? 1 : 0);
      }, 0),
    ),
  );
}

export function viaProducer(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  size: number,
  items: number,
): Promise<number> {
  return producerRun(connection, streamName, processor, async (producer) => {
    for (let i = 0; i < items; i += 1) await producer.put(makeItem(i, size));
  });
}

/** The same, the items given to one putAll() call (it waits only when the queue is full). */
export function viaProducerPutAll(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  size: number,
  items: number,
): Promise<number> {
  return producerRun(connection, streamName, processor, async (producer) => {
    await producer.putAll(generatedItems(items, size));
  });
}

/** A Producer with the bench's pacing: `put` gives it the items, then it closes; resolves with the delivered. */
async function producerRun(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  put: (producer: Producer<Item>) => Promise<void>,
): Promise<number> {
  const producer = new Producer<Item>({ streamName, ...connection, processor, ...RAISED_PACING });
  let delivered = 0;
  producer.reports$.subscribe((report) => (delivered += report.status === 'delivered' ? 1 : 0));
  await put(producer);
  await producer.close();
  return delivered;
}

function* generatedItems(items: number, size: number): Generator<Item> {
  for (let i = 0; i < items; i += 1) yield makeItem(i, size);
}
