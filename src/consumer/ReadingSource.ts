import type { ChildShard, _Record } from '@aws-sdk/client-kinesis';
import type { SchedulerLike } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { InFlightGate } from './InFlightGate.js';
import type { IteratorRequest, RecordsPage } from './ShardReader.js';

/** What a reading gives its source. */
export interface ReadingSourceParams {
  readonly streamName: string;
  readonly shardId: string;
  /** Where to start. */
  readonly start: IteratorRequest;
  /** The in-flight budget: a source takes records only while it has room (reserve / whenRoom). */
  readonly gate: InFlightGate;
  /** The most records this shard may ask for at once, so shards share the budget. */
  readonly fairShare: () => number;
  readonly scheduler: SchedulerLike;
  /** Called synchronously with every non-empty batch; the records are in flight in the gate. */
  readonly onRecords: (records: readonly _Record[], page: RecordsPage) => void;
  /** The shard was read to its end. */
  readonly onEnd: (childShards: readonly ChildShard[]) => void;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** A non-retriable error, or retries exhausted; the source has stopped. */
  readonly onError: (error: RxjsKinesisError) => void;
  /**
   * Given (group consumers only): called instead of retrying once `stallTimeouts` reads in a row
   * timed out; the source has stopped. Without it timeouts are retried like other errors.
   */
  readonly onStalled?: (error: RxjsKinesisError, timeouts: number) => void;
  /** After every answer of the service, for stats. */
  readonly onPage?: (page: RecordsPage) => void;
}

/**
 * How one reading gets the records of its shard: GetRecords polling (ShardPoller) today;
 * SubscribeToShard (enhanced fan-out) can be another implementation. A source owns its
 * iterator or subscription, pacing and back-off; the reading owns everything else.
 */
export interface ReadingSource {
  start(): void;
  /** Stops at once: no callback is called after this returns. */
  stop(): void;
}

export type ReadingSourceFactory = (params: ReadingSourceParams) => ReadingSource;
