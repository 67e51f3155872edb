import { writeLog } from '../../logging/writeLog.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { HANDOFF_ATTRIBUTES } from './handoffAttributes.js';
import { KCL, leaseCounterOf } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import { isLeaseTake } from './leaseTake.js';
import type { LostTake } from './LostTakes.js';

/**
 * At close: settles every lease take still unsettled (LostTakes), so a closed checkpointer leaves
 * no lease of its own to run out. Each item is read back (consistent read); one that shows the
 * take (it landed after its call gave up) is this process's lease, never used, and is released
 * as any held lease is, on condition that nothing was written since. A take the item moved past
 * lost to another write. Never rejects: a take that cannot be settled (the read or the release
 * failed, or the item shows it has not landed yet) is logged, and a lease it may still give this
 * process runs out after a failover time. Each call has the checkpointer's call deadline
 * (`callTimeout`), and the takes are settled side by side.
 */
export async function releaseLostTakes(context: DynamoDBLeaseContext): Promise<void> {
  await Promise.all(context.lostTakes.takeAll().map((lost) => releaseLostTake(context, lost)));
}

async function releaseLostTake(context: DynamoDBLeaseContext, lost: LostTake): Promise<void> {
  const { options, store, observations } = context;
  const { table, streamName, shardId, take } = lost;
  const log = { streamName, shardId, owner: take.owner };
  try {
    const item = await store.get(table, streamName, shardId);
    if (!isLeaseTake(item, take)) {
      if (item === undefined || leaseCounterOf(item) < take.counter)
        writeLog(options.logger, 'warn', 'DynamoDB lease take still unsettled at close', log);
      return;
    }
    const at = options.now();
    const lease = { streamName, shardId, owner: take.owner, token: take.token, expiresAt: at };
    const result = await store.updateThroughLease(table, lease, take.counter, take.counter + 1, {
      set: {},
      remove: [KCL.leaseOwner, ...HANDOFF_ATTRIBUTES],
    });
    if (result === 'condition-failed') return;
    observations.wrote(leaseKeyOf(table, streamName, shardId), take.counter + 1, at);
    writeLog(options.logger, 'debug', 'released a DynamoDB lease whose take had landed, at close', log);
  } catch (error) {
    writeLog(options.logger, 'warn', 'DynamoDB lease take still unsettled at close', { ...log, error });
  }
}
