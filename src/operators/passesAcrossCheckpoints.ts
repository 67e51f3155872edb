import type { OutOfOrderCheckpointError } from '../consumer/errors/OutOfOrderCheckpointError.js';
import { isBehind, passedOutOfOrder } from '../consumer/passOrder.js';
import {
  besides,
  inLineWith,
  type LedgerLink,
  type LedgerSink,
  type PassMark,
  type ReadingLink,
  type RecordHandle,
  type TrackedValue,
} from '../consumer/RecordTracking.js';
import { perLedger } from './perLedger.js';

/** What this checkpoint() knows of the others in a reading: how many had joined when it last looked. */
interface Seen {
  joined: number;
}

/**
 * Both modes of checkpoint() `sink`: the furthest position passed by any checkpoint() of this
 * subscriber, per reading (kept by its ledger). A pass behind one made by another checkpoint()
 * that did not take this record too (not in line with it) means the shard is split across
 * checkpoint()s: the other one's pass settled this item while it was still at work.
 *
 * A pass that is not behind is refused too while another checkpoint() still open, not in line
 * with this one, has passed records of the reading and an earlier record of it is unfinished
 * (groups of one shard side by side, or one ended by a groupBy() duration still at work when the
 * next opened): it would settle the records still at work there. Each checkpoint() looks at the
 * others of a reading again only when one joined since it found none open beside it, so a shard
 * read by one checkpoint() (or by several in one line) pays nothing per item for this.
 */
export function passesAcrossCheckpoints(
  sink: LedgerSink,
): (tracked: TrackedValue & { readonly handle: RecordHandle }) => OutOfOrderCheckpointError | undefined {
  const seen = perLedger<Seen>();
  // The mark found last, and its ledger and reading (a mark, once made, stays that reading's).
  let markLedger: LedgerLink | undefined;
  let markReading: ReadingLink | undefined;
  let mark: PassMark | undefined;
  return (tracked) => {
    const { record, sub, handle } = tracked;
    const at = sub ?? Number.POSITIVE_INFINITY;
    const marks = handle.ledger.passedLast;
    let last: PassMark | undefined;
    if (handle.ledger === markLedger && handle.reading === markReading) last = mark;
    else {
      last = marks.get(handle.reading);
      if (last !== undefined) {
        markLedger = handle.ledger;
        markReading = handle.reading;
        mark = last;
      }
    }
    if (last === undefined) {
      marks.set(handle.reading, {
        sequenceNumber: record.sequenceNumber,
        sub: at,
        by: sink,
        passers: [sink],
        joined: 1,
      });
      seen.set(handle, { joined: 1 });
      return undefined;
    }
    if (isBehind(record, at, last)) {
      return inLineWith(handle, sink, last.by) ? undefined : passedOutOfOrder(record, sub, last, true);
    }
    let mine = seen.get(handle);
    if (mine === undefined) {
      // This checkpoint()'s first pass in the reading: it joins the others (closed ones leave).
      last.passers = last.passers.filter((other) => other.isOpen());
      last.passers.push(sink);
      last.joined += 1;
      seen.set(handle, (mine = { joined: 0 }));
    }
    if (mine.joined !== last.joined) {
      const beside = last.passers.some(
        (other) => other !== sink && other.isOpen() && besides(handle, sink, other),
      );
      if (!beside) mine.joined = last.joined;
      else if (handle.reading.holdsBefore?.(handle.ledger, record.sequenceNumber, tracked.subSequenceNumber))
        return passedOutOfOrder(record, sub, last, true);
    }
    last.sequenceNumber = record.sequenceNumber;
    last.sub = at;
    last.by = sink;
    return undefined;
  };
}
