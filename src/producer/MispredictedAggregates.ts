import { Buffer } from '../platform/buffer.js';
import type { AggregatedRecord, Aggregator, DeaggregatedItem } from '../processors/Aggregator.js';
import { hasKplMagic } from '../processors/aggregators/kplFormat.js';
import { kplAggregator } from '../processors/aggregators/kplAggregator.js';
import type { FlushGroup, OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import type { DeliveredRecord, SendResult } from './PutRecordsSender.js';
import { OneItem } from './RecordItems.js';

/** True when the record's items do not all share one partition key and explicit hash key. */
function mixedKeys<T>(record: OutgoingRecord<T>): boolean {
  const { items } = record;
  const key = items.partitionKey(0);
  const hashKey = items.explicitHashKey(0);
  for (let i = 1; i < items.length; i += 1) {
    if (items.partitionKey(i) !== key || items.explicitHashKey(i) !== hashKey) return true;
  }
  return false;
}

/**
 * A KPL record stored in a shard other than the one it was aggregated for (the stream was
 * resharded since) may hold items whose keys hash outside that shard's range, and the KCL drops
 * such a record whole (its deaggregation keeps a record only when every item's hash key lies in
 * the shard's range). So the items of such a record, when their keys differ, are not reported
 * delivered: each is sent again as a plain record of its own key, which every KPL reader (the
 * KCL, aws-kinesis-agg, deserialize()) reads as one item wherever it lands, and is marked
 * `possibleDuplicate` (the stream holds the aggregated record too, and readers that do not drop
 * it read the items twice). An item whose data begin with the KPL magic (only a serializer of the
 * caller's own writes such data) would read as a broken aggregated record if sent plain: it goes
 * as an aggregated record of its one item instead, as an item too large to aggregate with such
 * data is refused. If that record would be larger than `maxRecordBytes` (a key longer than the
 * record's), the record is kept as delivered.
 */
export class MispredictedAggregates {
  private readonly kpl: Aggregator = kplAggregator();

  /** `result` with such records moved from `delivered` to `retry`, as one-item records due `now`. */
  resendOutOfShard<T>(result: SendResult<T>, now: number, maxRecordBytes: number): SendResult<T> {
    if (result.mispredicted === 0) return result;
    let delivered: DeliveredRecord<T>[] | undefined;
    let resent: OutgoingRecord<T>[] | undefined;
    result.delivered.forEach((entry, position) => {
      const plain = this.plainRecords(entry, now, maxRecordBytes);
      if (plain === undefined) {
        delivered?.push(entry);
        return;
      }
      delivered ??= result.delivered.slice(0, position);
      resent = resent === undefined ? plain : resent.concat(plain);
    });
    if (delivered === undefined || resent === undefined) return result;
    return { ...result, delivered, retry: resent.concat(result.retry) };
  }

  /** The items of a delivered record as one-item records to send again, or undefined to keep it. */
  private plainRecords<T>(
    entry: DeliveredRecord<T>,
    now: number,
    maxRecordBytes: number,
  ): OutgoingRecord<T>[] | undefined {
    const { record, shardId } = entry;
    const { items } = record;
    const { data, partitionKey, explicitHashKey } = record.record;
    if (shardId === record.laneId || items.length < 2 || !hasKplMagic(data) || !mixedKeys(record)) {
      return undefined;
    }
    let parts;
    try {
      parts = this.kpl.deaggregate({
        data,
        partitionKey,
        ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
      });
    } catch {
      // Not a record this producer's KPL aggregation wrote (a caller's own aggregator): kept.
      return undefined;
    }
    if (parts.length !== items.length) return undefined;
    const records: AggregatedRecord[] = [];
    for (const part of parts) {
      const alone = this.recordOf(part, maxRecordBytes);
      if (alone === undefined) return undefined;
      records.push(alone);
    }
    const groups: FlushGroup[] = [];
    items.forEachGroup((group, count) => {
      for (let i = 0; i < count; i += 1) groups.push(group);
    });
    // Each item's size as the queue counted it (data + key bytes); the last one takes any
    // difference, so that settling them takes exactly the record's bytes out of the queue.
    const sizes = parts.map((part) => part.data.length + Buffer.byteLength(part.partitionKey, 'utf8'));
    const counted = sizes.reduce((sum, size) => sum + size, 0);
    sizes[sizes.length - 1]! += items.bytes - counted;
    return parts.map((part, i) => {
      const queued: QueuedItem<T> = {
        item: items.item(i),
        index: items.index(i),
        partitionKey: part.partitionKey,
        explicitHashKey: part.explicitHashKey,
        size: sizes[i]!,
        itemCount: 1,
        seq: 0,
        flushGroup: groups[i],
        data: part.data,
      };
      return {
        record: records[i]!,
        items: new OneItem(queued),
        laneId: record.laneId,
        attempts: record.attempts,
        // Its retries count from here: the attempts that delivered the record were no failures.
        attemptsBefore: record.attempts,
        notBefore: now,
        possibleDuplicate: true,
        lastError: undefined,
      };
    });
  }

  /**
   * The record that carries one item alone: its data as they are, or, when they begin with the
   * KPL magic, an aggregated record of that one item; undefined when that one is too large.
   */
  private recordOf(part: DeaggregatedItem, maxRecordBytes: number): AggregatedRecord | undefined {
    const { data, partitionKey, explicitHashKey } = part;
    const keyed = explicitHashKey === undefined ? { partitionKey } : { partitionKey, explicitHashKey };
    if (!hasKplMagic(data)) {
      return { data, ...keyed, itemCount: 1, size: data.length + Buffer.byteLength(partitionKey, 'utf8') };
    }
    const accumulator = this.kpl.createAccumulator(maxRecordBytes);
    try {
      accumulator.add({ data, ...keyed });
    } catch {
      // Too large for an aggregated record, and refused as a plain one (it begins with the magic).
      return undefined;
    }
    return accumulator.flush();
  }
}
