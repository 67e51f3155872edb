/**
 * The producer's own cost per item, without the AWS SDK or HTTP: `Producer` and a hand-written
 * loop (same serialization and keys, 8 calls in flight, 500 entries a call) both send through an
 * in-process client that answers every PutRecords at once (on the next turn of the event loop).
 * What one costs more than the other is the library's per-item work: preparing, queueing,
 * batching, shard prediction, reports and settlement.
 *
 *   npx tsx bench/producerOverhead.ts [--items 200000] [--rounds 3] [--size 100] [--lines]
 *
 * With --lines the items are aggregated as JSON lines (~1 MB records, 5 a call): the loop joins
 * them by hand, the Producer uses jsonLineProcessor().
 *   node --cpu-prof --import tsx bench/producerOverhead.ts --only Producer
 */
import { ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Observable } from 'rxjs';
import { MAX_HASH_KEY } from '../src/kinesis/hashKey.js';
import { toKinesis } from '../src/operators/toKinesis.js';
import { jsonLineProcessor, jsonProcessor } from '../src/processors/namedProcessors.js';
import { Producer } from '../src/producer/Producer.js';
import { randomPartitionKey } from '../src/producer/randomPartitionKey.js';

const ARGS = process.argv.slice(2);
const arg = (name: string, fallback: number) =>
  ARGS.includes(name) ? Number(ARGS[ARGS.indexOf(name) + 1]) : fallback;
const ITEMS = arg('--items', 200_000);
const ROUNDS = arg('--rounds', 3);
const SIZE = arg('--size', 100);
const ONLY = ARGS.includes('--only') ? ARGS[ARGS.indexOf('--only') + 1] : undefined;
const LINES = ARGS.includes('--lines');
const SHARDS = 4;

const width = (MAX_HASH_KEY + 1n) / BigInt(SHARDS);
const shards = Array.from({ length: SHARDS }, (_, i) => ({
  ShardId: `shardId-${String(i).padStart(12, '0')}`,
  HashKeyRange: {
    StartingHashKey: String(width * BigInt(i)),
    EndingHashKey: String(i === SHARDS - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n),
  },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
}));

/** Answers ListShards and PutRecords at once; every entry is stored in the first shard. */
const client = {
  async send(command: unknown): Promise<unknown> {
    if (command instanceof ListShardsCommand) return { Shards: shards };
    if (command instanceof PutRecordsCommand) {
      const records = command.input.Records ?? [];
      await new Promise((resolve) => setImmediate(resolve));
      return {
        FailedRecordCount: 0,
        Records: records.map((_, i) => ({ ShardId: shards[0]!.ShardId, SequenceNumber: String(i) })),
      };
    }
    throw new Error('not answered by this stand-in');
  },
  destroy(): void {},
} as unknown as KinesisClient;

function makeItem(i: number): Record<string, unknown> {
  return {
    id: i,
    user: `user-${i % 1000}`,
    ts: 1_700_000_000_000 + i,
    ok: i % 2 === 0,
    note: 'x'.repeat(Math.max(1, SIZE - 80)),
  };
}

async function loop(): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < ITEMS) {
      const entries = [];
      if (LINES) {
        while (i < ITEMS && entries.length < 5) {
          let text = '';
          for (; i < ITEMS && text.length < 1_000_000; i += 1) text += `${JSON.stringify(makeItem(i))}\n`;
          entries.push({ Data: Buffer.from(text), PartitionKey: randomPartitionKey(Math.random) });
        }
      }
      for (; !LINES && i < ITEMS && entries.length < 500; i += 1) {
        entries.push({
          Data: Buffer.from(JSON.stringify(makeItem(i))),
          PartitionKey: randomPartitionKey(Math.random),
        });
      }
      await client.send(new PutRecordsCommand({ StreamName: 'overhead', Records: entries }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function producer(): Promise<void> {
  const instance = new Producer<Record<string, unknown>>({
    streamName: 'overhead',
    client,
    processor: LINES ? jsonLineProcessor({ style: 'compact' }) : jsonProcessor({ style: 'compact' }),
    putRateLimitPerShard: 1e9,
    putBandwidthLimitPerShard: 1e9,
  });
  let reported = 0;
  instance.reports$.subscribe(() => (reported += 1));
  for (let i = 0; i < ITEMS; i += 1) await instance.put(makeItem(i));
  await instance.close();
  if (reported !== ITEMS) throw new Error(`${reported} of ${ITEMS} items reported`);
}

/**
 * toKinesis() fed as bench/producer.ts feeds it: at most what the default queue bounds hold for
 * 4 shards (100,000 items, 64 MiB) not yet reported, topped up as reports come.
 */
function operator(): Promise<void> {
  const window = Math.min(100_000, Math.floor((60 * 1024 * 1024) / (SIZE + 60)));
  let reported = 0;
  return new Promise<void>((resolve, reject) => {
    const source = new Observable<Record<string, unknown>>((subscriber) => {
      let emitted = 0;
      let scheduled = false;
      const pump = () => {
        scheduled = false;
        while (emitted < ITEMS && emitted - reported < window) subscriber.next(makeItem(emitted++));
        if (emitted >= ITEMS) subscriber.complete();
      };
      topUp = () => {
        if (!scheduled && emitted < ITEMS) {
          scheduled = true;
          queueMicrotask(pump);
        }
      };
      pump();
    });
    let topUp = () => {};
    source
      .pipe(
        toKinesis({
          streamName: 'overhead',
          client,
          processor: LINES ? jsonLineProcessor({ style: 'compact' }) : jsonProcessor({ style: 'compact' }),
          putRateLimitPerShard: 1e9,
          putBandwidthLimitPerShard: 1e9,
        }),
      )
      .subscribe({
        next: () => {
          reported += 1;
          topUp();
        },
        error: reject,
        complete: () =>
          reported === ITEMS ? resolve() : reject(new Error(`${reported} of ${ITEMS} reported`)),
      });
  });
}

async function main(): Promise<void> {
  const contenders: Array<[string, () => Promise<void>]> = [
    ['hand-written loop', loop],
    ['Producer', producer],
    ['toKinesis()', operator],
  ];
  const runs = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, work] of contenders) {
      if (ONLY !== undefined && !name.includes(ONLY)) continue;
      const before = process.cpuUsage();
      await work();
      const used = process.cpuUsage(before);
      runs.get(name)!.push((used.user + used.system) / ITEMS);
    }
  }
  for (const [name, list] of runs) {
    if (list.length === 0) continue;
    const sorted = [...list].sort((a, b) => a - b);
    console.log(
      `${name}: ${sorted[sorted.length >> 1]!.toFixed(2)} µs CPU per ~${SIZE} B item (median of ${list.length})`,
    );
  }
}

void main();
