import type { ResolvedDynamoDBCheckpointerOptions } from './resolveDynamoDBCheckpointerOptions.js';
import type { HandoffObservations } from './HandoffObservations.js';
import type { HeldLeases } from './HeldLeases.js';
import type { LeaseItemStore } from './LeaseItemStore.js';
import type { LeaseObservations } from './LeaseObservations.js';
import type { LeaseTables } from './LeaseTables.js';
import type { LostTakes } from './LostTakes.js';
import type { WorkerRegistry } from './WorkerRegistry.js';

/** What the lease operations of a DynamoDBCheckpointer share. */
export interface DynamoDBLeaseContext {
  readonly options: ResolvedDynamoDBCheckpointerOptions;
  readonly store: LeaseItemStore;
  readonly held: HeldLeases;
  readonly observations: LeaseObservations;
  /** Handoff requests and reservations on this process's clock. */
  readonly handoffs: HandoffObservations;
  /** Takes of a lease whose answer was lost and whose outcome is still unknown. */
  readonly lostTakes: LostTakes;
  readonly tables: LeaseTables;
  readonly workers: WorkerRegistry;
}
