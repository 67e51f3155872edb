import { forwardClock } from './forwardClock.js';

/**
 * How long the server a RedisCheckpointer's URL names (or its client of the user's reaches) has
 * been a replica, as the ROLE asked after each READONLY reply says. A URL that names a replica
 * keeps it one for good, and no write ever goes through: that is reported once the spell lasts
 * `boundMs`. Once the server was seen a primary (a write went through, a heartbeat, which always
 * writes, or ROLE said master), a replica is a failover (the primary demoted, the URL's name not
 * yet moved to the promoted replica), which takes as long as the deployment's failover and DNS
 * take, longer than a short sessionTimeout: it is never reported, and the calls stay retriable
 * as through any outage (their errors say since when: `since`). A sighting starts a
 * spell; the spell ends when no replica was seen for `boundMs`. Bounded: two numbers and a flag.
 */
export class ReplicaWatch {
  private spellStart: number | undefined;
  private lastSeen: number | undefined;
  /** A write went through, or ROLE said master: the URL names a primary, failovers aside. */
  private primarySeen = false;

  /** The clock, never going back: a step back counts as no time passing (see forwardClock). */
  private readonly now: () => number;

  constructor(
    private readonly boundMs: number,
    now: () => number = Date.now,
  ) {
    this.now = forwardClock(now);
  }

  /**
   * ROLE's first element after a READONLY reply. Returns how long the server has been a replica
   * when that is `boundMs` or more and it was never seen a primary (a configuration error, not a
   * failover); else undefined.
   */
  sawRole(role: unknown): number | undefined {
    if (role === 'master') {
      this.wrote();
      return undefined;
    }
    if (role !== 'slave' && role !== 'replica') return undefined;
    const at = this.now();
    if (this.spellStart === undefined || this.lastSeen === undefined || at - this.lastSeen > this.boundMs)
      this.spellStart = at;
    this.lastSeen = at;
    const replicaForMs = at - this.spellStart;
    return !this.primarySeen && replicaForMs >= this.boundMs ? replicaForMs : undefined;
  }

  /** When the current replica spell started (on the watch's clock); undefined outside one. */
  get since(): number | undefined {
    return this.spellStart;
  }

  /** Whether the server was ever seen a primary (a write went through, or ROLE said master). */
  get wasPrimary(): boolean {
    return this.primarySeen;
  }

  /** A write went through: the server is a primary (again). */
  wrote(): void {
    this.primarySeen = true;
    this.spellStart = undefined;
    this.lastSeen = undefined;
  }
}
