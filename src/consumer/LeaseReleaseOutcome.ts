/** What `LeaseManager.release` did. */
export type LeaseReleaseOutcome =
  /** Not released: the lease was not held (under that token), or the release failed. */
  | { readonly released: false }
  /**
   * Released. `reserved`: whether the store reserved the lease for the `handoffTo` asked for;
   * undefined without `handoffTo`, or when the checkpointer's release did not say (it resolved to
   * nothing, as custom coordinators may).
   */
  | { readonly released: true; readonly reserved: boolean | undefined };

export const NOT_RELEASED: LeaseReleaseOutcome = { released: false };

/** The outcome of a release that succeeded, from what the checkpointer's releaseLease resolved to. */
export function releasedOutcome(result: unknown, handoffTo: string | undefined): LeaseReleaseOutcome {
  return { released: true, reserved: reservedFor(result, handoffTo) };
}

function reservedFor(result: unknown, handoffTo: string | undefined): boolean | undefined {
  if (handoffTo === undefined || typeof result !== 'object' || result === null) return undefined;
  if (!('reservedFor' in result)) return undefined;
  return result.reservedFor === handoffTo;
}
