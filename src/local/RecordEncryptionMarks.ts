import { sequencePosition } from './kinesaliteSequence.js';
import type { JsonObject } from './UpstreamAnswer.js';

/** From which record of a shard on (its sequence number) records were written encrypted or not. */
interface Switch {
  readonly from: bigint;
  readonly encrypted: boolean;
}

/**
 * Which stored records were written while their stream's encryption was on, so that GetRecords
 * and SubscribeToShard mark them `EncryptionType: 'KMS'` as AWS does (the records themselves are
 * stored as written: nothing is encrypted). Kept per stream and shard as the sequence numbers at
 * which writing switched between encrypted and not: one entry per shard written to after each
 * StartStreamEncryption or StopStreamEncryption, nothing for a stream never encrypted.
 */
export class RecordEncryptionMarks {
  /** Stream name → shard index → switches, in increasing sequence order. */
  private readonly switches = new Map<string, Map<number, Switch[]>>();

  /** Records written to `streamName` (their sequence numbers), with its encryption on or off. */
  written(streamName: string, sequenceNumbers: readonly unknown[], encrypted: boolean): void {
    let shards = this.switches.get(streamName);
    if (shards === undefined) {
      if (!encrypted) return;
      shards = new Map();
      this.switches.set(streamName, shards);
    }
    for (const sequenceNumber of sequenceNumbers) {
      const position = sequencePosition(sequenceNumber);
      if (position === undefined) continue;
      let list = shards.get(position.shardIx);
      if (list === undefined) {
        if (!encrypted) continue;
        list = [];
        shards.set(position.shardIx, list);
      }
      const last = list[list.length - 1];
      // A write answered after a later one (a race at the switch) keeps the later one's state.
      if (last !== undefined && (last.encrypted === encrypted || last.from >= position.order)) continue;
      list.push({ from: position.order, encrypted });
    }
  }

  /** Marks `records` (read from `streamName`) written encrypted with `EncryptionType: 'KMS'`. */
  mark(streamName: string, records: readonly JsonObject[]): void {
    const shards = this.switches.get(streamName);
    if (shards === undefined) return;
    for (const record of records) {
      const position = sequencePosition(record.SequenceNumber);
      const list = position === undefined ? undefined : shards.get(position.shardIx);
      if (list === undefined) continue;
      let encrypted = false;
      for (const entry of list) {
        if (entry.from > position!.order) break;
        encrypted = entry.encrypted;
      }
      if (encrypted) record.EncryptionType = 'KMS';
    }
  }

  /**
   * Whether writes to `streamName` are to be told (`written`): while its encryption is on, and
   * after until each shard written encrypted has seen a write since it went off.
   */
  followsWrites(streamName: string, encrypted: boolean): boolean {
    if (encrypted) return true;
    const shards = this.switches.get(streamName);
    if (shards === undefined) return false;
    for (const list of shards.values()) if (list[list.length - 1]?.encrypted === true) return true;
    return false;
  }

  /** Whether any record of `streamName` may be marked. */
  has(streamName: string): boolean {
    return this.switches.has(streamName);
  }

  /** Forgets a stream deleted or created anew. */
  forget(streamName: string): void {
    this.switches.delete(streamName);
  }
}
