import type { LedgerLink, ReadingLink, RecordHandle } from '../consumer/RecordTracking.js';

/** Values kept per subscriber (ledger) and reading of a record's handle. */
export function perLedger<V>(): {
  get(handle: RecordHandle): V | undefined;
  set(handle: RecordHandle, value: V): void;
} {
  const byLedger = new WeakMap<LedgerLink, WeakMap<ReadingLink, V>>();
  return {
    get: (handle) => byLedger.get(handle.ledger)?.get(handle.reading),
    set: (handle, value) => {
      let byReading = byLedger.get(handle.ledger);
      if (byReading === undefined) byLedger.set(handle.ledger, (byReading = new WeakMap()));
      byReading.set(handle.reading, value);
    },
  };
}
