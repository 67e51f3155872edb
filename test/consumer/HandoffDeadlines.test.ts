import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { HandoffDeadlines } from '../../src/consumer/HandoffDeadlines.js';

const TIMEOUT = 3000;
/** The coordinator's clock is far ahead of this process's (scheduler) clock. */
const SKEW = 5_000_000;

/** A snapshot read at coordinator time `now`, with a request by 'b' on s0 due at `deadline`. */
function snapshot(now: number, deadline?: number, requester = 'b'): LeaseSnapshot {
  return {
    now,
    liveWorkers: ['a', 'b'],
    leases: [
      {
        shardId: 's0',
        owner: 'a',
        expiresAt: now + 3000,
        ...(deadline !== undefined ? { handoff: { requester, deadline } } : {}),
      },
      { shardId: 's1', owner: 'a', expiresAt: now + 3000 },
    ],
  };
}

test('the first snapshot: its own figure, counted from when its read was sent, whatever the clock offset', () => {
  const deadlines = new HandoffDeadlines(TIMEOUT);
  // Sent at 1000, read by the coordinator at (its) 1200 + SKEW: 2000 ms were left then.
  deadlines.observe(snapshot(SKEW + 1200, SKEW + 3200), 1000);
  expect(deadlines.of('s0')).toEqual({ requester: 'b', deadline: SKEW + 3200, localDeadline: 3000 });
  expect(deadlines.of('s1')).toBeUndefined();
});

test('a request the previous snapshot did not show counts from when that snapshot was sent, if earlier', () => {
  const deadlines = new HandoffDeadlines(TIMEOUT);
  deadlines.observe(snapshot(SKEW + 100), 0);
  // A deadline counted from when the observer first saw it (DynamoDB): 4400 by the snapshot, but
  // the request may have been made right after the snapshot sent at 0.
  deadlines.observe(snapshot(SKEW + 1400, SKEW + 4400), 1400);
  expect(deadlines.of('s0')?.localDeadline).toBe(3000);
  // Seen again later: still counted from then.
  deadlines.observe(snapshot(SKEW + 1900, SKEW + 4400), 1900);
  expect(deadlines.of('s0')?.localDeadline).toBe(3000);
  // An earlier figure of the snapshot's own wins.
  deadlines.observe(snapshot(SKEW + 2400, SKEW + 2800), 2400);
  expect(deadlines.of('s0')?.localDeadline).toBe(2800);
});

test('a new request (withdrawn, then asked again) counts from the last snapshot without it', () => {
  const deadlines = new HandoffDeadlines(TIMEOUT);
  deadlines.observe(snapshot(SKEW, SKEW + 3000), 0);
  deadlines.observe(snapshot(SKEW + 500, SKEW + 3000), 500);
  deadlines.observe(snapshot(SKEW + 1000), 1000);
  expect(deadlines.of('s0')).toBeUndefined();
  deadlines.observe(snapshot(SKEW + 1500, SKEW + 4400, 'c'), 1500);
  expect(deadlines.of('s0')).toEqual({ requester: 'c', deadline: SKEW + 4400, localDeadline: 4000 });
});
