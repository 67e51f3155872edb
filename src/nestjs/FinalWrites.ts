import { compareSequenceNumbers } from '../consumer/compareSequenceNumbers.js';
import type { CheckpointPosition, ConsumerEvent, KinesisItem } from '../index.js';

/**
 * What a run of KinesisTransportStrategy still has to write and release when it stops: the
 * position of each shard's last event passed to checkpoint() that no write covers yet, and the
 * leases held (acquired, not yet released or lost). Fed with the consumer's events and the
 * events passed to checkpoint(); close() names what is left when its final writes overrun their
 * deadline.
 */
export class FinalWrites {
  private readonly held = new Set<string>();
  private readonly passed = new Map<string, CheckpointPosition>();
  private readonly written = new Map<string, CheckpointPosition | 'SHARD_END'>();

  /** Takes in one event of the consumer. */
  observe(event: ConsumerEvent): void {
    if (event.type === 'lease-acquired') this.held.add(event.shardId);
    else if (event.type === 'lease-released') {
      this.held.delete(event.shardId);
      // Its final position written, the shard is done with: forgotten (one released with a
      // position not written is still named, until the next run of it here or close()).
      const passed = this.passed.get(event.shardId);
      if (passed === undefined || covers(this.written.get(event.shardId), passed)) {
        this.passed.delete(event.shardId);
        this.written.delete(event.shardId);
      }
    } else if (event.type === 'lease-lost') {
      // Never written by this worker: the shard's next owner reads its events again.
      this.held.delete(event.shardId);
      this.passed.delete(event.shardId);
      this.written.delete(event.shardId);
    } else if (event.type === 'checkpoint-written') this.written.set(event.shardId, event.position);
  }

  /** An event done with (handled or dead-lettered) and passed on to checkpoint(). */
  done(item: KinesisItem<unknown>): void {
    const whole = item.subSequenceNumber + 1 >= item.subRecordCount;
    this.passed.set(
      item.shardId,
      whole
        ? { sequenceNumber: item.sequenceNumber }
        : { sequenceNumber: item.sequenceNumber, subSequenceNumber: item.subSequenceNumber },
    );
  }

  /** What is neither written nor released yet, as a phrase for a log line (undefined: nothing). */
  describe(): string | undefined {
    const unwritten = [...this.passed]
      .filter(([shardId, position]) => !covers(this.written.get(shardId), position))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([shardId, position]) => {
        const stored = this.written.get(shardId);
        return (
          `${shardId} (done up to ${describePosition(position)}, ` +
          `last written ${stored === undefined ? 'none this run' : describePosition(stored)})`
        );
      });
    const unreleased = [...this.held].sort();
    const parts = [
      ...(unwritten.length === 0 ? [] : [`checkpoints not written: ${unwritten.join(', ')}`]),
      ...(unreleased.length === 0
        ? []
        : [`leases not released: ${unreleased.join(', ')} (free once they run out)`]),
    ];
    return parts.length === 0 ? undefined : parts.join('; ');
  }
}

/** True when `written` is at or past `position`. */
function covers(
  written: CheckpointPosition | 'SHARD_END' | undefined,
  position: CheckpointPosition,
): boolean {
  if (written === undefined) return false;
  if (written === 'SHARD_END') return true;
  const order = compareSequenceNumbers(written.sequenceNumber, position.sequenceNumber);
  if (order !== 0) return order > 0;
  if (written.subSequenceNumber === undefined) return true;
  if (position.subSequenceNumber === undefined) return false;
  return written.subSequenceNumber >= position.subSequenceNumber;
}

function describePosition(position: CheckpointPosition | 'SHARD_END'): string {
  if (position === 'SHARD_END') return position;
  return position.subSequenceNumber === undefined
    ? position.sequenceNumber
    : `${position.sequenceNumber}/${position.subSequenceNumber}`;
}
