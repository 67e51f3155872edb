import type { LedgerLink, ReadingLink, RecordHandle } from '../consumer/RecordTracking.js';

/**
 * Values kept per subscriber (ledger) and reading of a record's handle. The entry used last is
 * looked up first: most values in a row come from one reading of one subscriber.
 */
export function perLedger<V>(): {
  get(handle: RecordHandle): V | undefined;
  set(handle: RecordHandle, value: V): void;
} {
  const byLedger = new WeakMap<LedgerLink, WeakMap<ReadingLink, V>>();
  let lastLedger: LedgerLink | undefined;
  let lastReading: ReadingLink | undefined;
  let lastValue: V | undefined;
  return {
    get: (handle) => {
      if (handle.ledger === lastLedger && handle.reading === lastReading) return lastValue;
      const value = byLedger.get(handle.ledger)?.get(handle.reading);
      if (value !== undefined) {
        lastLedger = handle.ledger;
        lastReading = handle.reading;
        lastValue = value;
      }
      return value;
    },
    set: (handle, value) => {
      let byReading = byLedger.get(handle.ledger);
      if (byReading === undefined) byLedger.set(handle.ledger, (byReading = new WeakMap()));
      byReading.set(handle.reading, value);
      lastLedger = handle.ledger;
      lastReading = handle.reading;
      lastValue = value;
    },
  };
}
