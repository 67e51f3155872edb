import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';

/** One Producer.flush() call: the items it covers and the first failure among them. */
export interface FlushClaim {
  /** The flush covers the put() items of index below it (those put before it was called). */
  readonly target: number;
  failure: RxjsKinesisError | undefined;
  done: boolean;
}

/**
 * Which Producer.flush() calls a failure rejects. A flush covers the put() items put before it
 * was called. A put() item's failure goes to every flush still running that covers it (each
 * rejects with the first it got); when none does, it is kept for the next flush called (only
 * the first such failure: all are on `reports$`). A failure of the producer itself (afterFlush,
 * flushOn, an unexpected throw) goes to every flush still running, or else to the next one.
 * Costs O(log flushes) per failure and O(1) per flush, amortized.
 */
export class FlushFailures {
  /**
   * Running flushes with no failure yet, in call order from `head` (so by target: a flush's
   * target is the number of items put before it). Flushes done are dropped from the front, or
   * when a failure reaches them.
   */
  private clean: FlushClaim[] = [];
  private head = 0;
  /** The flush called last. */
  private latest: FlushClaim | undefined;
  /** The first failure no flush running covered, for the next flush. */
  private carried: RxjsKinesisError | undefined;

  /** A flush covering the items of index below `target` starts. */
  begin(target: number): FlushClaim {
    const claim: FlushClaim = { target, failure: this.carried, done: false };
    this.carried = undefined;
    if (claim.failure === undefined) this.clean.push(claim);
    this.latest = claim;
    return claim;
  }

  /** The flush is done (every item it covers is settled): the failure it rejects with, if any. */
  end(claim: FlushClaim): RxjsKinesisError | undefined {
    claim.done = true;
    const { clean } = this;
    while (this.head < clean.length && clean[this.head]!.done) this.head += 1;
    if (this.head === clean.length) {
      this.clean = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= clean.length) {
      this.clean = clean.slice(this.head);
      this.head = 0;
    }
    return claim.failure;
  }

  /** Forgets the failure kept for the next flush, if any (the producer is aborted). */
  dropCarried(): void {
    this.carried = undefined;
  }

  /** The put() item of `index` failed. */
  itemFailed(index: number, error: RxjsKinesisError): void {
    this.assign(index, error);
  }

  /** The producer failed (not an item of its own). */
  producerFailed(error: RxjsKinesisError): void {
    this.assign(-1, error);
  }

  private assign(index: number, error: RxjsKinesisError): void {
    // Once the flush called last is done, every item it covers (and so every item an earlier
    // flush covers) is settled: no running flush covers a failure from now on.
    const latest = this.latest;
    if (latest === undefined || latest.done || index >= latest.target) {
      this.carried ??= error;
      return;
    }
    // The failure-free flushes covering `index` (target above it) are a suffix of `clean`.
    const { clean } = this;
    let low = this.head;
    let high = clean.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (clean[middle]!.target > index) high = middle;
      else low = middle + 1;
    }
    for (let i = low; i < clean.length; i += 1) clean[i]!.failure ??= error;
    if (low === this.head) {
      this.clean = [];
      this.head = 0;
    } else {
      clean.length = low;
    }
  }
}
