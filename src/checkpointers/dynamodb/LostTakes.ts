import { leaseCounterOf, type LeaseItem } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import { isLeaseTake, type LeaseTake } from './leaseTake.js';

/** An unsettled take, with the lease item it was written to. */
export interface LostTake {
  readonly table: string;
  readonly streamName: string;
  readonly shardId: string;
  readonly take: LeaseTake;
}

/**
 * Takes of a lease whose outcome is still unknown: the answer was lost and reading the item back
 * did not settle it (the read failed, or showed the item as before: the write may still land).
 * The next acquire of the shard that reads the item with the take's token and counter knows the
 * lease is this process's and takes it again at once, instead of waiting a failover time for
 * what looks like another instance's live lease. Bounded: at most one take per lease key,
 * forgotten once the item shows it or moved past it. At close, those left are settled and
 * released (releaseLostTakes).
 */
export class LostTakes {
  private readonly takes = new Map<string, LostTake>();

  remember(lost: LostTake): void {
    this.takes.set(leaseKeyOf(lost.table, lost.streamName, lost.shardId), lost);
  }

  /**
   * Whether `item` (just read) holds the unsettled take of `key` by `owner`; a take the item's
   * counter has moved past (another write won) is forgotten.
   */
  recognize(key: string, item: LeaseItem | undefined, owner: string): boolean {
    const take = this.takes.get(key)?.take;
    if (take === undefined) return false;
    const holds = isLeaseTake(item, take);
    if (holds && take.owner === owner) {
      this.takes.delete(key);
      return true;
    }
    if (!holds && item !== undefined && leaseCounterOf(item) >= take.counter) this.takes.delete(key);
    return false;
  }

  forget(key: string): void {
    this.takes.delete(key);
  }

  /** Every take still unsettled, forgotten here. */
  takeAll(): LostTake[] {
    const all = [...this.takes.values()];
    this.takes.clear();
    return all;
  }
}
