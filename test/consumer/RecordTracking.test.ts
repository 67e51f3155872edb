import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import {
  besides,
  claimRecord,
  type LedgerSink,
  type RecordHandle,
} from '../../src/consumer/RecordTracking.js';

/** A checkpoint() stand-in: `handing` is the record it hands on downstream right now. */
function sink(): LedgerSink & { handing: KinesisRecord | undefined } {
  const made: LedgerSink & { handing: KinesisRecord | undefined } = {
    intervalMs: 0,
    settled: () => undefined,
    forwards: (record) => made.handing === record,
    isOpen: () => true,
    follows: new WeakSet(),
    handing: undefined,
  };
  return made;
}

const record = (sequenceNumber: string) => ({ sequenceNumber }) as KinesisRecord;
const handle = () => ({}) as RecordHandle;

test('checkpoint()s in one line are not beside each other, in either direction', () => {
  const [a, b, c] = [sink(), sink(), sink()];
  const first = record('1');
  const h = handle();
  // a → b → c: each takes the record while the ones before it hand it on.
  expect(claimRecord(h, a, first)).toBe(true);
  a.handing = first;
  expect(claimRecord(h, b, first)).toBe(true);
  b.handing = first;
  expect(claimRecord(h, c, first)).toBe(true);
  // A later record that b passes before c took it: c is after b (and a) all the same.
  const next = handle();
  expect(claimRecord(next, a, record('2'))).toBe(true);
  expect(besides(next, b, c)).toBe(false);
  expect(besides(next, a, c)).toBe(false);
  expect(besides(next, b, a)).toBe(false);
});

test('checkpoint()s of groups side by side are beside each other', () => {
  const [g1, g2] = [sink(), sink()];
  const h1 = handle();
  const h2 = handle();
  expect(claimRecord(h1, g1, record('1'))).toBe(true);
  expect(claimRecord(h2, g2, record('2'))).toBe(true);
  expect(besides(h2, g2, g1)).toBe(true);
  expect(besides(h1, g1, g2)).toBe(true);
  // The same record in both, side by side, is refused (multicast).
  expect(claimRecord(h1, g2, record('1'))).toBe(false);
});
