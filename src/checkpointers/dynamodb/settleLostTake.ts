import { writeLog } from '../../logging/writeLog.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { leaseCounterOf, type LeaseItem } from './kclLeaseItem.js';
import { isLeaseTake, type LeaseTake } from './leaseTake.js';

/**
 * Finds out whether a write that takes a lease landed although its answer was lost (a timeout or
 * a dropped connection, then a retry whose condition failed, or no answer at all: `failure`):
 * reads the item back (consistent read) and looks for this take's own token with the counter it
 * set. Returns the item read when the take landed and its lease, counted from when the write was
 * first sent, has not run out meanwhile on this process's clock; undefined when another write won
 * (or the take landed too long ago to count: the next acquire takes the lease again). When the
 * read fails, or shows the item unchanged after a call that failed (the write may still land),
 * the take is remembered for the next acquire (LostTakes) and `failure` is thrown.
 */
export async function settleLostTake(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  take: LeaseTake,
  failure: unknown,
): Promise<LeaseItem | undefined> {
  const { options, store, lostTakes } = context;
  let item: LeaseItem | undefined;
  try {
    item = await store.get(table, streamName, shardId);
  } catch (readFailure) {
    lostTakes.remember({ table, streamName, shardId, take });
    throw failure ?? readFailure;
  }
  if (isLeaseTake(item, take)) {
    if (options.now() < take.sentAt + options.failoverTimeMs) {
      writeLog(options.logger, 'debug', 'DynamoDB lease take had landed, its answer lost', {
        streamName,
        shardId,
        owner: take.owner,
      });
      return item;
    }
    lostTakes.remember({ table, streamName, shardId, take });
    return undefined;
  }
  if (failure !== undefined && (item === undefined || leaseCounterOf(item) < take.counter)) {
    lostTakes.remember({ table, streamName, shardId, take });
    throw failure;
  }
  return undefined;
}
