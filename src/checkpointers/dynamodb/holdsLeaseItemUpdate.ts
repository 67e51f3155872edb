import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LeaseItem } from './kclLeaseItem.js';
import type { LeaseItemUpdate } from './LeaseItemStore.js';

/**
 * Whether a lease item reads as `update` left it: every attribute it sets has the value it sets,
 * and every attribute it removes is gone. An item moved by another write through the lease (an
 * earlier one that landed late, with another position) does not.
 */
export function holdsLeaseItemUpdate(item: LeaseItem, update: LeaseItemUpdate): boolean {
  return (
    Object.entries(update.set).every(([name, value]) => sameValue(item[name], value)) &&
    (update.remove ?? []).every((name) => item[name] === undefined)
  );
}

function sameValue(stored: AttributeValue | undefined, written: AttributeValue): boolean {
  if (stored === undefined) return false;
  if (written.S !== undefined) return stored.S === written.S;
  if (written.N !== undefined) return stored.N !== undefined && Number(stored.N) === Number(written.N);
  return JSON.stringify(stored) === JSON.stringify(written);
}
