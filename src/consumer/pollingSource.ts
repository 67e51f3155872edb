import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ReadingSourceFactory } from './ReadingSource.js';
import { ShardPoller } from './ShardPoller.js';
import type { ShardReader } from './ShardReader.js';

/**
 * The GetRecords polling source of every reading: a ShardPoller paced to `shardFetchRate`,
 * sleeping `sleepTimeNoRecords` when caught up, backing off as configured. Another source (e.g.
 * SubscribeToShard for enhanced fan-out) is another ReadingSourceFactory.
 */
export function pollingSource(reader: ShardReader, options: ResolvedConsumerOptions): ReadingSourceFactory {
  return (params) =>
    new ShardPoller({
      ...params,
      reader,
      fetchIntervalMs: 1000 / options.shardFetchRate,
      sleepTimeNoRecordsMs: options.sleepTimeNoRecords,
      recordLimit: options.recordLimit,
      stallTimeouts: options.stallTimeouts,
      backoff: {
        baseMs: options.expoBackoff,
        capMs: options.expoBackoffLimit,
        retryLimit: options.retryLimit,
        random: options.random,
      },
    });
}
