import {
  HeartbeatObservations,
  type WorkerHeartbeat,
} from '../../../src/checkpointers/dynamodb/HeartbeatObservations.js';

const TTL = 10_000;
const MINUTES = 60_000;
const SCOPE = 'leases-workers\u0000';

/** A worker with its own clock, `skewMs` off the observer's, heartbeating into one item. */
function worker(key: string, skewMs: number) {
  let beat = 0;
  let item: WorkerHeartbeat | undefined;
  return {
    heartbeat(observerNow: number): void {
      beat += 1;
      item = { key, token: `${key}-${beat}`, expiresAt: observerNow + skewMs + TTL };
    },
    get item(): WorkerHeartbeat {
      if (item === undefined) throw new Error('no heartbeat yet');
      return item;
    },
  };
}

describe('HeartbeatObservations', () => {
  it.each([5, 30, -5])(
    'counts a stopped worker whose clock is %i minutes off gone one ttl after its last heartbeat was seen',
    (minutes) => {
      const observations = new HeartbeatObservations(TTL);
      const skewed = worker('worker-a', minutes * MINUTES);
      const steady = worker('worker-b', 0);
      let now = 1_700_000_000_000;
      skewed.heartbeat(now);
      steady.heartbeat(now);
      expect(observations.live(SCOPE, [skewed.item, steady.item], now, now)).toEqual(
        new Set(['worker-a', 'worker-b']),
      );
      // worker-a stops; worker-b keeps heartbeating every quarter ttl.
      for (let step = 1; step < 4; step += 1) {
        now += TTL / 4;
        steady.heartbeat(now);
        expect(observations.live(SCOPE, [skewed.item, steady.item], now, now)).toEqual(
          new Set(['worker-a', 'worker-b']),
        );
      }
      now += TTL / 4;
      steady.heartbeat(now);
      expect(observations.live(SCOPE, [skewed.item, steady.item], now, now)).toEqual(new Set(['worker-b']));
    },
  );

  it.each([-5, -30, 5])('keeps a heartbeating worker whose clock is %i minutes off live', (minutes) => {
    const observations = new HeartbeatObservations(TTL);
    const skewed = worker('worker-a', minutes * MINUTES);
    let now = 1_700_000_000_000;
    for (let step = 0; step < 20; step += 1) {
      skewed.heartbeat(now);
      expect(observations.live(SCOPE, [skewed.item], now, now)).toEqual(new Set(['worker-a']));
      now += TTL / 4;
    }
  });

  it("judges a worker seen for the first time live for a full ttl, measured from the read's answer", () => {
    const observations = new HeartbeatObservations(TTL);
    const stale = worker('worker-a', 0);
    stale.heartbeat(0); // written long ago, never again
    const sentAt = 1_700_000_000_000;
    const answeredAt = sentAt + 50; // the token may have been written while the read was under way
    expect(observations.live(SCOPE, [stale.item], sentAt, answeredAt)).toEqual(new Set(['worker-a']));
    expect(observations.live(SCOPE, [stale.item], answeredAt + TTL - 1, answeredAt + TTL - 1)).toEqual(
      new Set(['worker-a']),
    );
    expect(observations.live(SCOPE, [stale.item], answeredAt + TTL, answeredAt + TTL)).toEqual(new Set());
  });

  it("judges an item without a token (an earlier version's) by its expiresAt, as before", () => {
    const observations = new HeartbeatObservations(TTL);
    const now = 1_700_000_000_000;
    const items: WorkerHeartbeat[] = [
      { key: 'old-live', expiresAt: now + 1 },
      { key: 'old-gone', expiresAt: now },
    ];
    expect(observations.live(SCOPE, items, now, now)).toEqual(new Set(['old-live']));
    expect(observations.live(SCOPE, items, now + 1, now + 1)).toEqual(new Set());
  });

  it('counts our own heartbeat from when it was sent, and keeps it while a read started before it', () => {
    const observations = new HeartbeatObservations(TTL);
    const now = 1_700_000_000_000;
    observations.wrote(SCOPE, 'me', 'token-1', now);
    // A read that started before the heartbeat did not see the item: the entry stays.
    expect(observations.live(SCOPE, [], now - 10, now + 1)).toEqual(new Set());
    expect(
      observations.live(SCOPE, [{ key: 'me', token: 'token-1', expiresAt: 0 }], now + TTL - 1, now + TTL - 1),
    ).toEqual(new Set(['me']));
    expect(
      observations.live(SCOPE, [{ key: 'me', token: 'token-1', expiresAt: 0 }], now + TTL, now + TTL),
    ).toEqual(new Set());
  });

  it('keeps each scope apart and forgets workers whose items are gone', () => {
    const observations = new HeartbeatObservations(TTL);
    const now = 1_700_000_000_000;
    const item = { key: 'worker-a', token: 't1', expiresAt: 0 };
    observations.live(SCOPE, [item], now, now);
    expect(observations.live('other\u0000', [item], now + TTL, now + TTL)).toEqual(new Set(['worker-a']));
    observations.live(SCOPE, [], now + 1, now + 1); // the item was deleted
    expect(observations.live(SCOPE, [item], now + TTL, now + TTL)).toEqual(new Set(['worker-a']));
  });

  it('judges one worker read on its own as a full read would, leaving the others alone', () => {
    const observations = new HeartbeatObservations(TTL);
    const stopped = worker('worker-a', 5 * MINUTES);
    const steady = worker('worker-b', 0);
    let now = 1_700_000_000_000;
    stopped.heartbeat(now);
    steady.heartbeat(now);
    observations.live(SCOPE, [stopped.item, steady.item], now, now);
    // worker-a stops; read on its own, it is live until one ttl after its token was first seen.
    now += TTL - 1;
    expect(observations.isLive(SCOPE, 'worker-a', stopped.item, now, now)).toBe(true);
    now += 1;
    expect(observations.isLive(SCOPE, 'worker-a', stopped.item, now, now)).toBe(false);
    // A new heartbeat makes it live again for a full ttl, from that read.
    stopped.heartbeat(now);
    expect(observations.isLive(SCOPE, 'worker-a', stopped.item, now, now + TTL - 1)).toBe(true);
    // No item (it left, or was judged gone): not live; worker-b's entry is kept.
    expect(observations.isLive(SCOPE, 'worker-a', undefined, now + 1, now + 1)).toBe(false);
    expect(observations.isLive(SCOPE, 'worker-b', steady.item, now, now)).toBe(false);
    expect(
      observations.isLive(SCOPE, 'worker-old', { key: 'worker-old', expiresAt: now + 1 }, now, now),
    ).toBe(true);
  });
});
