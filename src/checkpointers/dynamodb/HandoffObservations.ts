import type { HandoffFields } from './handoffAttributes.js';

/**
 * Handoff requests and reservations on this process's clock. Their stored times (a request's
 * deadline, a reservation's end) are epoch ms on the writing worker's clock, so they are not
 * compared with ours: as leases are judged, a request or reservation counts from the moment this
 * process first saw it (identified by its stored worker and time, which every new one changes),
 * or, written by this process, from when it sent its reservation or got the answer to its
 * request. A request's deadline is then `handoffTimeoutMs` after that, a reservation lasts
 * `handoffReservationMs` from it (this process's settings, which the group shares). One seen for the first time therefore gets its full time. Bounded: one entry
 * of each kind per lease key this process has read and not forgotten (forgetShards).
 */
export class HandoffObservations {
  private readonly seen = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly handoffTimeoutMs: number,
    private readonly handoffReservationMs: number,
  ) {}

  /**
   * The request and reservation stored on a lease item (`fields`, as stored) read at `at`, with
   * the request's deadline and the reservation's end on this process's clock.
   */
  observe(key: string, fields: HandoffFields, at: number): HandoffFields {
    const { request, reservation } = fields;
    const requestedAt =
      request === undefined
        ? this.drop(requestKey(key))
        : this.firstSeen(requestKey(key), `${request.requester}\u0000${request.deadline}`, at);
    const reservedAt =
      reservation === undefined
        ? this.drop(reservationKey(key))
        : this.firstSeen(reservationKey(key), `${reservation.worker}\u0000${reservation.until}`, at);
    return {
      ...(request !== undefined && requestedAt !== undefined
        ? { request: { requester: request.requester, deadline: requestedAt + this.handoffTimeoutMs } }
        : {}),
      ...(reservation !== undefined && reservedAt !== undefined
        ? { reservation: { worker: reservation.worker, until: reservedAt + this.handoffReservationMs } }
        : {}),
    };
  }

  /**
   * Records our own request, stored with `deadline`, counted from `at`: when its write's answer
   * came (an owner that read the leases while the write was on its way bounds the deadline from
   * that read, see the consumer's HandoffDeadlines).
   */
  wroteRequest(key: string, requester: string, deadline: number, at: number): void {
    this.seen.set(requestKey(key), { value: `${requester}\u0000${deadline}`, at });
  }

  /** Records our own reservation, stored with `until` = `at` + handoffReservationMs. */
  wroteReservation(key: string, worker: string, until: number, at: number): void {
    this.seen.set(reservationKey(key), { value: `${worker}\u0000${until}`, at });
  }

  /** Drops what was seen of a lease item that is gone (its shard forgotten). */
  forget(key: string): void {
    this.seen.delete(requestKey(key));
    this.seen.delete(reservationKey(key));
  }

  /** How many requests and reservations are remembered. */
  get size(): number {
    return this.seen.size;
  }

  private firstSeen(entryKey: string, value: string, at: number): number {
    const previous = this.seen.get(entryKey);
    if (previous !== undefined && previous.value === value) return previous.at;
    this.seen.set(entryKey, { value, at });
    return at;
  }

  private drop(entryKey: string): undefined {
    this.seen.delete(entryKey);
    return undefined;
  }
}

function requestKey(key: string): string {
  return `${key}\u0000request`;
}

function reservationKey(key: string): string {
  return `${key}\u0000reservation`;
}
