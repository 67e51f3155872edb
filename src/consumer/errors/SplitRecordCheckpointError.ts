import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * checkpoint() (or checkpointFilter() dropping it) received a whole record that deserialize()
 * split into several items on their way to it, before all of those items passed: typically
 * `map((item) => item.record)` after the work. A whole record settles every item of it, so the
 * first item to get through would commit the items still at work, or never done. Hand the items
 * on instead: each settles its own position, and the last item of a record settles the whole
 * record. A record handed on once all its items passed an earlier checkpoint() (or were
 * dropped by checkpointFilter()) is accepted, and so is one whose items were deserialized in a
 * per-record inner pipeline (`concatMap((record) => of(record).pipe(deserialize(), ...))`).
 *
 * Nothing of the record is settled by it: positions stored stay behind the record's unfinished
 * items, and the next run reads them again.
 */
export class SplitRecordCheckpointError extends RxjsKinesisError {
  /** How many items deserialize() split the record into. */
  readonly subRecordCount: number;

  constructor(streamName: string, shardId: string, sequenceNumber: string, subRecordCount: number) {
    super(
      `checkpoint() received the whole record (stream "${streamName}", shard ${shardId}, sequence number ` +
        `${sequenceNumber}) that deserialize() split into ${subRecordCount} items on their way to it, before ` +
        `all of them passed: it would commit the items still at work. Hand the items on, not ` +
        `item.record (map((item) => item.record)): each item settles its own position, and a record's ` +
        `last item settles the whole record`,
      { retriable: false, context: { streamName, shardId, sequenceNumber } },
    );
    this.subRecordCount = subRecordCount;
  }
}
