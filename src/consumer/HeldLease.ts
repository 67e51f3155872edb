import type { Subscription } from 'rxjs';
import type { Lease } from '../checkpointers/Checkpointer.js';

/** A lease the LeaseManager holds, with its local deadline and renewal state. */
export interface HeldLease {
  lease: Lease;
  /**
   * Local time by which the lease must have been renewed: when the last successful acquisition
   * or renewal was sent, plus the lease duration. Enforced whatever the checkpointer.
   */
  deadline: number;
  watchdog: Subscription | undefined;
  renewing: boolean;
  lastError: unknown;
}
