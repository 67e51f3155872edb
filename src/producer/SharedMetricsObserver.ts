import { EMPTY, type Observable, type Observer } from 'rxjs';
import type { ProducerMetricsSnapshot } from './ProducerMetrics.js';

/** The one SharedMetricsObserver of each observer object, whichever toKinesis() operators it was given to. */
const shared = new WeakMap<object, SharedMetricsObserver>();

/**
 * toKinesis()'s `metricsObserver`, shared by every subscription of every toKinesis() operator
 * given that observer (one per inner of mergeMap(), several writers in one pipeline): each
 * subscription (each run of retry() or repeat()) has its own engine, and the observer hears the
 * snapshots of all of them. It completes when an engine stops while no other subscription runs,
 * and not while a run's end is being delivered: a retry() or repeat() that subscribes again at
 * once, from inside that delivery, keeps it open. (Subscribed to one engine after another, a
 * Subject would have been completed by the first and heard no later run.)
 */
export class SharedMetricsObserver {
  /** Engines attached and not stopped, plus ends being delivered. */
  private open = 0;

  private constructor(private readonly observer: Partial<Observer<ProducerMetricsSnapshot>>) {}

  /** The shared observer of `observer`: the same for every toKinesis() given that object. */
  static of(observer: Partial<Observer<ProducerMetricsSnapshot>>): SharedMetricsObserver {
    let found = shared.get(observer);
    if (found === undefined) {
      found = new SharedMetricsObserver(observer);
      shared.set(observer, found);
    }
    return found;
  }

  /** A subscription started: `metrics$` (its engine's snapshots) goes to the observer until it completes. */
  attach(metrics$: Observable<ProducerMetricsSnapshot>): void {
    this.open += 1;
    // Subscribed with functions of its own, so RxJS never completes the observer itself; a throw
    // from its next is reported as RxJS reports an observer's (not into the engine).
    metrics$.subscribe({
      next: (snapshot) => this.observer.next?.(snapshot),
      complete: () => this.close(),
    });
  }

  /**
   * Runs `end` (a run stopping its engine, then delivering its output's completion or error) with
   * the observer held open until it returns.
   */
  ending(end: () => void): void {
    this.open += 1;
    try {
      end();
    } finally {
      this.close();
    }
  }

  private close(): void {
    this.open -= 1;
    // Through an RxJS subscriber, as the snapshots go: a throw from the observer's complete is
    // reported as RxJS reports an observer's, never into the run that is ending.
    if (this.open === 0) EMPTY.subscribe({ complete: () => this.observer.complete?.() });
  }
}
