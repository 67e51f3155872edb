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
  /** The last position of each shard the store refused as older than its own. */
  private readonly refused = new Map<string, CheckpointPosition>();

  /** Takes in one event of the consumer. */
  observe(event: ConsumerEvent): void {
    if (event.type === 'lease-acquired') this.held.add(event.shardId);
    else if (event.type === 'lease-released') {
      this.held.delete(event.shardId);
      // Its final position written, the shard is done with: forgotten (one released with a
      // position not written is still named, until the next run of it here or close()).
      const passed = this.passed.get(event.shardId);
      if (passed === undefined || this.covered(event.shardId, passed)) this.forget(event.shardId);
    } else if (event.type === 'lease-lost') {
      // Never written by this worker: the shard's next owner reads its events again.
      this.held.delete(event.shardId);
      this.forget(event.shardId);
    } else if (event.type === 'checkpoint-written') this.written.set(event.shardId, event.position);
    else if (event.type === 'checkpoint-refused') this.refused.set(event.shardId, event.position);
  }

  private forget(shardId: string): void {
    this.passed.delete(shardId);
    this.written.delete(shardId);
    this.refused.delete(shardId);
  }

  /** True when a write covers `position`, or the store refused it (or a later one) as older than its own. */
  private covered(shardId: string, position: CheckpointPosition): boolean {
    return covers(this.written.get(shardId), position) || covers(this.refused.get(shardId), position);
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
    const sorted = [...this.passed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const unwritten = sorted
      .filter(([shardId, position]) => !this.covered(shardId, position))
      .map(([shardId, position]) => {
        const stored = this.written.get(shardId);
        return (
          `${shardId} (done up to ${describePosition(position)}, ` +
          `last written ${stored === undefined ? 'none this run' : describePosition(stored)})`
        );
      });
    // Nothing to write: the store holds a later position (another worker wrote past it).
    const refused = sorted
      .filter(([shardId, position]) => !covers(this.written.get(shardId), position))
      .filter(([shardId, position]) => covers(this.refused.get(shardId), position))
      .map(([shardId, position]) => `${shardId} (done up to ${describePosition(position)})`);
    const unreleased = [...this.held].sort();
    const parts = [
      ...(unwritten.length === 0 ? [] : [`checkpoints not written: ${unwritten.join(', ')}`]),
      ...(refused.length === 0
        ? []
        : [`checkpoints the store refused, holding later positions: ${refused.join(', ')}`]),
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
