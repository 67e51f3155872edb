import type { LeaseItem } from './kclLeaseItem.js';

/**
 * Attributes (not the KCL's) that carry handoff requests and reservations on a lease item. The
 * KCL ignores and keeps them; a takeover or acquisition removes them. Their times are epoch ms
 * on the writing worker's clock, never compared with another worker's: each process judges them
 * from when it first saw them (HandoffObservations). They steer balancing only; lease ownership
 * itself is decided by the conditional writes on `leaseCounter`.
 */
export const HANDOFF = {
  requester: 'rxjsKinesisHandoffRequester',
  deadline: 'rxjsKinesisHandoffDeadline',
  reservedFor: 'rxjsKinesisReservedFor',
  reservedUntil: 'rxjsKinesisReservedUntil',
} as const;

export const HANDOFF_ATTRIBUTES: readonly string[] = Object.values(HANDOFF);

export interface HandoffFields {
  readonly request?: { readonly requester: string; readonly deadline: number };
  readonly reservation?: { readonly worker: string; readonly until: number };
}

/** The handoff request and reservation stored on an item, if any. */
export function handoffFieldsOf(item: LeaseItem): HandoffFields {
  const requester = item[HANDOFF.requester]?.S;
  const deadline = Number(item[HANDOFF.deadline]?.N);
  const worker = item[HANDOFF.reservedFor]?.S;
  const until = Number(item[HANDOFF.reservedUntil]?.N);
  return {
    ...(requester !== undefined && Number.isFinite(deadline) ? { request: { requester, deadline } } : {}),
    ...(worker !== undefined && Number.isFinite(until) ? { reservation: { worker, until } } : {}),
  };
}
