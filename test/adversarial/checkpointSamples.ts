// Samples the stored checkpoints of a consumer group while it runs, and checks afterwards that
// none was ever ahead of the work: every record at or before a stored position (every record of
// a shard marked ended) had been reported processed by some worker before the position was read.
// A worker reports an item (its clock, sentAt) before the item passes checkpoint(), so a
// position written for it is read later than that report was sent.
import type { ShardCheckpoint } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import type { ProducedRecord } from '../consumerGroup/recordFeed.js';
import type { ProcessedItem } from '../consumerGroup/workerGroup.js';

export interface CheckpointSample {
  readonly shardId: string;
  readonly stored: ShardCheckpoint;
  /** Date.now() once the read returned. */
  readonly readAt: number;
}

export class CheckpointSampler {
  readonly samples: CheckpointSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    observer: LeaseCoordinator,
    streamName: string,
    shardIds: () => readonly string[],
    everyMs = 200,
  ) {
    this.loop = (async () => {
      while (this.running) {
        for (const shardId of shardIds()) {
          const stored = await observer.getCheckpoint(streamName, shardId).catch(() => undefined);
          if (stored !== undefined) this.samples.push({ shardId, stored, readAt: Date.now() });
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Samples that were ahead of the work, each with a record it covered that no worker had
   * reported by the time it was read (empty when none was).
   */
  aheadOfWork(
    produced: readonly ProducedRecord[],
    processed: readonly ProcessedItem[],
  ): { sample: CheckpointSample; record: ProducedRecord }[] {
    const firstReport = new Map<string, number>();
    for (const item of processed) {
      const key = `${item.shardId}/${item.sequenceNumber}`;
      firstReport.set(key, Math.min(firstReport.get(key) ?? Infinity, item.sentAt));
    }
    const ahead: { sample: CheckpointSample; record: ProducedRecord }[] = [];
    for (const sample of this.samples) {
      const covered = produced.filter(
        (record) =>
          record.shardId === sample.shardId &&
          (sample.stored.kind === 'shard-end' ||
            compareSequenceNumbers(record.sequenceNumber, sample.stored.position.sequenceNumber) <= 0),
      );
      const unreported = covered.find(
        (record) =>
          (firstReport.get(`${record.shardId}/${record.sequenceNumber}`) ?? Infinity) > sample.readAt,
      );
      if (unreported !== undefined) ahead.push({ sample, record: unreported });
    }
    return ahead;
  }
}
