/**
 * How long the server a RedisCheckpointer's URL names has been a replica, as the ROLE asked after
 * each READONLY reply says. A failover makes a primary a replica for a while (or the URL's name
 * moves to the promoted replica); a URL that names a replica keeps it one for good. A sighting
 * starts a spell; the spell ends when ROLE says master, when a write went through (a heartbeat,
 * which always writes), or when no replica was seen for `boundMs` (a later failover starts
 * afresh). Bounded: two numbers.
 */
export class ReplicaWatch {
  private since: number | undefined;
  private lastSeen: number | undefined;

  constructor(
    private readonly boundMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * ROLE's first element after a READONLY reply. Returns how long the server has been a replica
   * when that is `boundMs` or more (a configuration error, not a failover); else undefined.
   */
  sawRole(role: unknown): number | undefined {
    if (role === 'master') {
      this.wrote();
      return undefined;
    }
    if (role !== 'slave' && role !== 'replica') return undefined;
    const at = this.now();
    if (this.since === undefined || this.lastSeen === undefined || at - this.lastSeen > this.boundMs)
      this.since = at;
    this.lastSeen = at;
    const replicaForMs = at - this.since;
    return replicaForMs >= this.boundMs ? replicaForMs : undefined;
  }

  /** A write went through: the server is a primary (again). */
  wrote(): void {
    this.since = undefined;
    this.lastSeen = undefined;
  }
}
