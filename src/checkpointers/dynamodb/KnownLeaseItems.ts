import type { TableIdentities } from './TableIdentities.js';

/**
 * The lease items (by table and `leaseKey`) this checkpointer has seen present: read, written or
 * taken. One of them read as absent (a GetItem without item, a Scan without it) may be an item
 * deleted (forgetShards, by hand) or the sign of a table deleted and created again by someone else,
 * empty: absent() confirms the table is the same (TableIdentities) before the caller trusts the
 * absence, then forgets the item. An item first seen after the read was sent (our own write
 * landing meanwhile) does not count. Bounded: one entry per lease item seen present and not
 * deleted by this checkpointer (forgetShards) or read as absent since.
 */
export class KnownLeaseItems {
  /** Each known item, with the mark() current when it was last seen present. */
  private readonly known = new Map<string, number>();
  private marks = 0;

  constructor(private readonly identities: TableIdentities) {}

  /** Taken before a read is sent: items seen present after it are not judged by that read. */
  mark(): number {
    this.marks += 1;
    return this.marks;
  }

  present(tableName: string, leaseKey: string): void {
    this.known.set(`${tableName}\u0000${leaseKey}`, this.mark());
  }

  /** An item this checkpointer deleted: its absence is no sign of another table. */
  deleted(tableName: string, leaseKey: string): void {
    this.known.delete(`${tableName}\u0000${leaseKey}`);
  }

  /**
   * `leaseKeys` read as absent from `tableName` by a read sent at `sentAt` (a mark()): throws when
   * the table is not the one known.
   */
  async absent(
    tableName: string,
    streamName: string,
    leaseKeys: Iterable<string>,
    sentAt: number,
  ): Promise<void> {
    const gone = [...leaseKeys]
      .map((key) => `${tableName}\u0000${key}`)
      .filter((key) => (this.known.get(key) ?? Infinity) < sentAt);
    if (gone.length === 0) return;
    await this.identities.confirm(tableName, streamName);
    for (const key of gone) if ((this.known.get(key) ?? Infinity) < sentAt) this.known.delete(key);
  }

  /**
   * A full scan of `tableName` sent at `sentAt` found the lease items `present`: the known ones it
   * missed are judged by absent().
   */
  async scanned(
    tableName: string,
    streamName: string,
    present: Iterable<string>,
    sentAt: number,
  ): Promise<void> {
    const prefix = `${tableName}\u0000`;
    const found = new Set(present);
    const missing: string[] = [];
    for (const key of this.known.keys())
      if (key.startsWith(prefix) && !found.has(key.slice(prefix.length)))
        missing.push(key.slice(prefix.length));
    for (const key of found) this.present(tableName, key);
    await this.absent(tableName, streamName, missing, sentAt);
  }
}
