import type { Lease } from '../checkpointers/Checkpointer.js';
import type { LeaseExpiry } from './LeaseExpiry.js';

/** A lease the LeaseManager holds, with its local deadline and renewal state. */
export interface HeldLease {
  lease: Lease;
  /**
   * Local time by which the lease must have been renewed: when the last successful acquisition
   * or renewal was sent, plus the lease duration. Enforced whatever the checkpointer.
   */
  deadline: number;
  /**
   * The same deadline counted by the scheduler's timers from that send (LeaseExpiry): it holds
   * when the wall clock is set back, which moves `deadline` later in real time.
   */
  expiry: LeaseExpiry;
  renewing: boolean;
  lastError: unknown;
}
