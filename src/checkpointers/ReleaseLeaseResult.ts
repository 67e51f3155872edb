/**
 * What `LeaseCoordinator.releaseLease` did with the lease's reservation. A checkpointer may also
 * resolve to nothing (as the plain Checkpointer and custom coordinators written before this result
 * do): the caller then does not know whether the lease was reserved.
 */
export interface ReleaseLeaseResult {
  /**
   * The worker the released lease is now reserved for: `handoffTo`, if its heartbeat was live at
   * the release. Undefined when the lease went to anyone (no `handoffTo`, or that worker's heartbeat
   * had run out or it had left the group) or when nothing was released (the lease was no longer
   * held under this token).
   */
  readonly reservedFor: string | undefined;
}
