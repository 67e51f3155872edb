import type { TableIdentities } from './TableIdentities.js';

/**
 * The lease items (by table and `leaseKey`) this checkpointer has seen present: read, written or
 * taken. One of them read as absent (a GetItem without item, a Scan without it) may be an item
 * deleted (forgetShards, by hand) or the sign of a table deleted and created again by someone else,
 * empty: absent() confirms the table is the same (TableIdentities) before the caller trusts the
 * absence, then forgets the item. Bounded: one entry per lease item seen present.
 */
export class KnownLeaseItems {
  private readonly known = new Set<string>();

  constructor(private readonly identities: TableIdentities) {}

  present(tableName: string, leaseKey: string): void {
    this.known.add(`${tableName}\u0000${leaseKey}`);
  }

  /** `leaseKeys` read as absent from `tableName`: throws when the table is not the one known. */
  async absent(tableName: string, streamName: string, leaseKeys: Iterable<string>): Promise<void> {
    const gone = [...leaseKeys].map((key) => `${tableName}\u0000${key}`).filter((key) => this.known.has(key));
    if (gone.length === 0) return;
    await this.identities.confirm(tableName, streamName);
    for (const key of gone) this.known.delete(key);
  }

  /** The known items of `tableName` missing from `present` (every lease item of a full scan). */
  async scanned(tableName: string, streamName: string, present: Iterable<string>): Promise<void> {
    const prefix = `${tableName}\u0000`;
    const seen = new Set([...present].map((key) => `${prefix}${key}`));
    const missing: string[] = [];
    for (const key of this.known)
      if (key.startsWith(prefix) && !seen.has(key)) missing.push(key.slice(prefix.length));
    for (const key of seen) this.known.add(key);
    await this.absent(tableName, streamName, missing);
  }
}
