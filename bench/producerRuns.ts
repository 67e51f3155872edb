/** What bench/producer.ts measures and reports: one contender's run, a table row, medians. */
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface Run {
  items: number;
  seconds: number;
  cpuSeconds: number;
}

export async function measure(work: () => Promise<number>): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const items = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { items, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

export interface Row {
  id: string;
  group: string;
  labels: Record<string, string>;
  metrics: Record<string, number>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
}
