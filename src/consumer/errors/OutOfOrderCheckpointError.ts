import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** A position in a shard: a record's sequence number and, for an item of it, its index. */
export interface ShardPosition {
  readonly sequenceNumber: string;
  /** The item's index in its record; undefined for a whole record. */
  readonly subSequenceNumber: number | undefined;
}

/**
 * An item reached checkpoint() (ordered mode, the default) after a later item of its shard had
 * passed: the processing before it completes out of order (mergeMap with concurrency, items of
 * a shard grouped apart and merged back). Ordered mode takes an item's arrival as "it and
 * everything before it in its shard are done", so the later item's position may already have
 * been committed while this one was still being processed. Use
 * `checkpoint({ mode: 'concurrent', process })`, which commits only the completed prefix, or
 * keep the order (concatMap, a per-shard groupBy).
 *
 * `elsewhere`: the later item passed another checkpoint() of the same subscriber, not in line
 * with this one, or the item is the first this checkpoint() got of a shard another one still
 * open passed: a shard split across checkpoint()s (groupBy on another key than the shard id, a
 * groupBy() duration that ends a shard's group while it is still at work, a checkpoint() inside
 * mergeMap's inner pipelines, a share()d source with a checkpoint() per subscriber), whose passes
 * each settle the whole shard up to them.
 *
 * Once it is raised the consumer's readings write nothing more and every shard is read again
 * from its last position written, so positions settled ahead of the work are never stored
 * (only a batch written before the error can be).
 */
export class OutOfOrderCheckpointError extends RxjsKinesisError {
  constructor(
    streamName: string,
    shardId: string,
    late: ShardPosition,
    passed: ShardPosition,
    elsewhere = false,
  ) {
    super(
      elsewhere
        ? `checkpoint() got ${describe(late)} of shard ${shardId} (stream "${streamName}") after ` +
            `another checkpoint() of this subscriber had passed ${describe(passed)}: the shard is split ` +
            `across checkpoint()s (groupBy on another key than the shard id? a groupBy() duration that ` +
            `ends a shard's group while it is still at work? checkpoint() inside mergeMap? a share()d ` +
            `source with a checkpoint() per subscriber?), and each ` +
            `one's position settles the whole shard up to it, so a position may be ` +
            `committed ahead of this one's work; group by shardId with no duration, or merge the groups back before ` +
            `one checkpoint() (with share(), one subscriber's), or use checkpoint({ mode: 'concurrent', process })`
        : `checkpoint() got ${describe(late)} of shard ${shardId} (stream "${streamName}") after ` +
            `${describe(passed)} had passed: the processing before it completes out of order (mergeMap?), ` +
            `so positions committed for the later one may be ahead of this one's work; use ` +
            `checkpoint({ mode: 'concurrent', process }) or keep each shard's order (concatMap)`,
      {
        retriable: false,
        context: {
          streamName,
          shardId,
          sequenceNumber: late.sequenceNumber,
          ...(late.subSequenceNumber === undefined ? {} : { subSequenceNumber: late.subSequenceNumber }),
        },
      },
    );
  }
}

function describe(position: ShardPosition): string {
  return position.subSequenceNumber === undefined
    ? `record ${position.sequenceNumber}`
    : `item ${position.subSequenceNumber} of record ${position.sequenceNumber}`;
}
