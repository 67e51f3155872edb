// Produces numbered JSON records ({ id }) into a stream from the test process and remembers
// where each one landed (shard, sequence number).
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface ProducedRecord {
  readonly id: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

export class RecordFeed {
  readonly produced: ProducedRecord[] = [];
  private nextId = 0;
  private loop: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  /** Puts `count` records (one PutRecords call, failed entries re-sent). */
  async put(count: number): Promise<void> {
    let pending = Array.from({ length: count }, () => this.nextId++);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 20) throw new Error(`PutRecords kept failing for ${pending.length} records`);
      const output = await this.client.send(
        new PutRecordsCommand({
          StreamName: this.streamName,
          Records: pending.map((id) => ({
            PartitionKey: `key-${id}`,
            Data: Buffer.from(JSON.stringify({ id })),
          })),
        }),
      );
      const failed: number[] = [];
      (output.Records ?? []).forEach((entry, index) => {
        const id = pending[index] as number;
        if (entry.ErrorCode !== undefined || entry.SequenceNumber === undefined) failed.push(id);
        else this.produced.push({ id, shardId: entry.ShardId ?? '', sequenceNumber: entry.SequenceNumber });
      });
      pending = failed;
    }
  }

  /** Puts `batch` records every `everyMs` until stop(). */
  start(batch: number, everyMs: number): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.put(batch);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  /** Stops the loop after the batch under way. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = undefined;
  }
}
