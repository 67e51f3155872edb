import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { FlushFailures, type FlushClaim } from '../../src/producer/FlushFailures.js';

/** A small seeded generator (mulberry32), so a failing run replays. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rule, spelled out: a failure goes to every running flush covering it, else to the next flush. */
class Reference {
  readonly running = new Set<{ target: number; failure: RxjsKinesisError | undefined }>();
  carried: RxjsKinesisError | undefined;

  begin(target: number) {
    const claim = { target, failure: this.carried };
    this.carried = undefined;
    this.running.add(claim);
    return claim;
  }

  end(claim: { target: number; failure: RxjsKinesisError | undefined }) {
    this.running.delete(claim);
    return claim.failure;
  }

  failed(index: number, error: RxjsKinesisError) {
    let covered = false;
    for (const claim of this.running) {
      if (index < claim.target) {
        covered = true;
        claim.failure ??= error;
      }
    }
    if (!covered) this.carried ??= error;
  }
}

describe('FlushFailures', () => {
  it('gives a failure to the running flushes that cover the item, and only to them', () => {
    const failures = new FlushFailures();
    const a = failures.begin(5);
    const b = failures.begin(10);
    const late = new RxjsKinesisError('item 7');
    const early = new RxjsKinesisError('item 3');
    failures.itemFailed(7, late);
    failures.itemFailed(3, early);
    expect(failures.end(a)).toBe(early);
    expect(failures.end(b)).toBe(late);
  });

  it('keeps the first failure no running flush covers for the next flush', () => {
    const failures = new FlushFailures();
    const a = failures.begin(5);
    const first = new RxjsKinesisError('item 5');
    failures.itemFailed(5, first);
    failures.itemFailed(6, new RxjsKinesisError('item 6'));
    expect(failures.end(a)).toBeUndefined();
    const b = failures.begin(8);
    const c = failures.begin(8);
    expect(failures.end(b)).toBe(first);
    expect(failures.end(c)).toBeUndefined();
  });

  it('gives a failure of the producer to every running flush, else to the next one', () => {
    const failures = new FlushFailures();
    const a = failures.begin(0);
    const b = failures.begin(3);
    const broken = new RxjsKinesisError('afterFlush failed');
    failures.producerFailed(broken);
    expect(failures.end(a)).toBe(broken);
    expect(failures.end(b)).toBe(broken);
    const again = new RxjsKinesisError('flushOn failed');
    failures.producerFailed(again);
    expect(failures.end(failures.begin(3))).toBe(again);
  });

  it('agrees with the rule spelled out over random interleavings of puts, flushes, failures and ends', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = seeded(seed);
      const failures = new FlushFailures();
      const reference = new Reference();
      const running: {
        claim: FlushClaim;
        expected: { target: number; failure: RxjsKinesisError | undefined };
      }[] = [];
      let put = 0;
      /** Items put and not yet settled; a flush may end once every item below its target settled. */
      const pending = new Set<number>();
      for (let step = 0; step < 300; step += 1) {
        const roll = random();
        if (roll < 0.35) {
          pending.add(put);
          put += 1;
        } else if (roll < 0.5) {
          running.push({ claim: failures.begin(put), expected: reference.begin(put) });
        } else if (roll < 0.85 && pending.size > 0) {
          const items = [...pending];
          const index = items[Math.floor(random() * items.length)]!;
          pending.delete(index);
          if (random() < 0.3) {
            const error = new RxjsKinesisError(`item ${index}`);
            failures.itemFailed(index, error);
            reference.failed(index, error);
          }
        } else if (roll < 0.87) {
          const error = new RxjsKinesisError('producer');
          failures.producerFailed(error);
          reference.failed(-1, error);
        }
        // Flushes whose items are all settled end, in the order they were called.
        const lowest = pending.size === 0 ? put : Math.min(...pending);
        for (let i = 0; i < running.length;) {
          const flush = running[i]!;
          if (flush.claim.target <= lowest) {
            expect(failures.end(flush.claim)).toBe(reference.end(flush.expected));
            running.splice(i, 1);
          } else i += 1;
        }
      }
    }
  });
});
