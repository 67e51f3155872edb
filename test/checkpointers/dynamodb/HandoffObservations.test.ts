import { HandoffObservations } from '../../../src/checkpointers/dynamodb/HandoffObservations.js';

const TIMEOUT = 4_000;
const RESERVATION = 5_000;
const MINUTES = 60_000;
const KEY = 'leases\u0000shardId-000000000000';

describe('HandoffObservations', () => {
  it.each([5, -5])(
    "moves a reservation written on a clock %i minutes off onto the observer's clock",
    (minutes) => {
      const observations = new HandoffObservations(TIMEOUT, RESERVATION);
      const now = 1_700_000_000_000;
      const stored = { reservation: { worker: 'worker-b', until: now + minutes * MINUTES + RESERVATION } };
      expect(observations.observe(KEY, stored, now)).toEqual({
        reservation: { worker: 'worker-b', until: now + RESERVATION },
      });
      // Seen again later: still counted from the first sighting.
      expect(observations.observe(KEY, stored, now + 3_000).reservation?.until).toBe(now + RESERVATION);
    },
  );

  it.each([5, -5])(
    "moves a handoff request written on a clock %i minutes off onto the observer's clock",
    (minutes) => {
      const observations = new HandoffObservations(TIMEOUT, RESERVATION);
      const now = 1_700_000_000_000;
      const stored = { request: { requester: 'worker-b', deadline: now + minutes * MINUTES + TIMEOUT } };
      expect(observations.observe(KEY, stored, now)).toEqual({
        request: { requester: 'worker-b', deadline: now + TIMEOUT },
      });
      expect(observations.observe(KEY, stored, now + 1_000).request?.deadline).toBe(now + TIMEOUT);
    },
  );

  it('counts a new request or reservation (another worker or time) from when it is seen', () => {
    const observations = new HandoffObservations(TIMEOUT, RESERVATION);
    const now = 1_700_000_000_000;
    observations.observe(KEY, { request: { requester: 'worker-b', deadline: 1 } }, now);
    expect(
      observations.observe(KEY, { request: { requester: 'worker-b', deadline: 2 } }, now + 100).request,
    ).toEqual({ requester: 'worker-b', deadline: now + 100 + TIMEOUT });
    expect(
      observations.observe(KEY, { request: { requester: 'worker-c', deadline: 2 } }, now + 200).request,
    ).toEqual({ requester: 'worker-c', deadline: now + 200 + TIMEOUT });
    // Removed, then the same values again: a new sighting.
    expect(observations.observe(KEY, {}, now + 300)).toEqual({});
    expect(
      observations.observe(KEY, { request: { requester: 'worker-c', deadline: 2 } }, now + 400).request,
    ).toEqual({ requester: 'worker-c', deadline: now + 400 + TIMEOUT });
  });

  it('keeps the times of what this process wrote', () => {
    const observations = new HandoffObservations(TIMEOUT, RESERVATION);
    const at = 1_700_000_000_000;
    observations.wroteRequest(KEY, 'me', at + TIMEOUT, at);
    observations.wroteReservation(`${KEY}-2`, 'worker-b', at + RESERVATION, at);
    expect(
      observations.observe(KEY, { request: { requester: 'me', deadline: at + TIMEOUT } }, at + 1_000),
    ).toEqual({ request: { requester: 'me', deadline: at + TIMEOUT } });
    expect(
      observations.observe(
        `${KEY}-2`,
        { reservation: { worker: 'worker-b', until: at + RESERVATION } },
        at + 900,
      ),
    ).toEqual({ reservation: { worker: 'worker-b', until: at + RESERVATION } });
  });
});
