/**
 * Settlement with many flush() calls waiting: N put() calls each followed by a flush() that is
 * not awaited (so N flushes wait at once), through `Producer` and an in-process client that
 * answers every call at once; and the same pattern on ProducerQueue alone (N items, a flush
 * waiter after each, settled 500 at a time). Prints process CPU time per round and the median.
 *
 *   npx tsx bench/producerFlushWaiters.ts [--items 40000] [--rounds 5]
 */
import { ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { PreparedItem, QueuedItem } from '../src/producer/OutgoingRecord.js';
import { Producer } from '../src/producer/Producer.js';
import { ProducerMetrics } from '../src/producer/ProducerMetrics.js';
import { ProducerQueue } from '../src/producer/ProducerQueue.js';
import { resolveProducerOptions } from '../src/producer/resolveProducerOptions.js';

const ARGS = process.argv.slice(2);
const arg = (name: string, fallback: number) =>
  ARGS.includes(name) ? Number(ARGS[ARGS.indexOf(name) + 1]) : fallback;
const ITEMS = arg('--items', 40_000);
const ROUNDS = arg('--rounds', 5);

const SHARD = {
  ShardId: 'shardId-000000000000',
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(2n ** 128n - 1n) },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
};

/** Answers ListShards and PutRecords on the next turn of the event loop. */
const client = {
  async send(command: unknown): Promise<unknown> {
    await new Promise((resolve) => setImmediate(resolve));
    if (command instanceof ListShardsCommand) return { Shards: [SHARD] };
    if (command instanceof PutRecordsCommand) {
      const records = command.input.Records ?? [];
      return {
        FailedRecordCount: 0,
        Records: records.map((_, i) => ({ ShardId: SHARD.ShardId, SequenceNumber: String(i) })),
      };
    }
    throw new Error('not answered by this stand-in');
  },
  destroy(): void {},
} as unknown as KinesisClient;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function producerRound(): Promise<number> {
  const producer = new Producer<number>({ streamName: 'bench', client, partitionKey: () => 'k' });
  await producer.flush(); // the shard map is loaded
  const started = process.cpuUsage();
  const flushes: Promise<void>[] = [];
  for (let i = 0; i < ITEMS; i += 1) {
    void producer.put(i);
    flushes.push(producer.flush());
  }
  await Promise.all(flushes);
  const ms = cpuMs(started);
  await producer.close();
  return ms;
}

function queueRound(): number {
  const queue = new ProducerQueue<number>(
    resolveProducerOptions<number>({ streamName: 'bench', maxQueueSize: 1_000_000 }),
    new ProducerMetrics(),
    { report: () => undefined, fatal: () => undefined },
  );
  const started = process.cpuUsage();
  const items: QueuedItem<number>[] = [];
  let done = 0;
  for (let i = 0; i < ITEMS; i += 1) {
    const prepared = {
      item: i,
      index: i,
      data: new Uint8Array(1),
      partitionKey: 'k',
      explicitHashKey: undefined,
      size: 2,
      itemCount: 1,
      seq: 0,
      flushGroup: undefined,
    } as PreparedItem<number>;
    items.push(queue.admit(prepared));
    queue.addFlush(() => (done += 1));
  }
  for (let i = 0; i < items.length; i += 500) queue.settle(items.slice(i, i + 500));
  if (done !== ITEMS) throw new Error(`${done} of ${ITEMS} waiters done`);
  return cpuMs(started);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const producer: number[] = [];
  const queue: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    producer.push(await producerRound());
    queue.push(queueRound());
    process.stdout.write(
      `round ${round + 1}: Producer ${producer.at(-1)!.toFixed(0)} ms CPU, ProducerQueue ${queue.at(-1)!.toFixed(1)} ms CPU\n`,
    );
  }
  process.stdout.write(
    `${ITEMS} put+flush pairs: Producer median ${median(producer).toFixed(0)} ms CPU ` +
      `(${((median(producer) * 1000) / ITEMS).toFixed(1)} µs a pair); ` +
      `ProducerQueue alone median ${median(queue).toFixed(1)} ms CPU\n`,
  );
}

void main();
