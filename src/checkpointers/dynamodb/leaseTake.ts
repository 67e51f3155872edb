import { leaseCounterOf, leaseOwnerOf, type LeaseItem } from './kclLeaseItem.js';

/**
 * Not a KCL attribute: a random value unique to one write that takes a lease (creating its item,
 * taking it free, expired, reserved or past a handoff deadline). A take whose answer was lost
 * reads the item back and finds out by it whether its own write landed: an owner and a counter
 * alone cannot tell it from a take by another instance with the same worker id. The holder's
 * next write through the lease removes it; the KCL ignores it.
 */
export const TAKE_TOKEN = 'rxjsKinesisTakeToken';

/** One write that takes a lease: who, under which token, the counter it sets, when it was sent. */
export interface LeaseTake {
  readonly owner: string;
  readonly token: string;
  readonly counter: number;
  /** This process's clock when the write was first sent (the lease counts from then). */
  readonly sentAt: number;
}

/** Whether `item` is as `take` left it: its token, owner and counter (nothing written since). */
export function isLeaseTake(item: LeaseItem | undefined, take: LeaseTake): boolean {
  if (item === undefined) return false;
  const token = item[TAKE_TOKEN];
  return (
    token !== undefined &&
    'S' in token &&
    token.S === take.token &&
    leaseOwnerOf(item) === take.owner &&
    leaseCounterOf(item) === take.counter
  );
}
