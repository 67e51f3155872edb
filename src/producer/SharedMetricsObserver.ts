import type { Observable, Observer } from 'rxjs';
import type { ProducerMetricsSnapshot } from './ProducerMetrics.js';

/**
 * toKinesis()'s `metricsObserver`, shared by every subscription of one toKinesis() operator: each
 * subscription (each run of retry() or repeat()) has its own engine, and the observer hears the
 * snapshots of all of them. It completes when an engine stops while no other subscription runs.
 * A run that ends with its output's completion or error stops its engine only after the
 * completion or error was delivered, so a retry() or repeat() that subscribes again at once keeps
 * the observer open. (Subscribed to one engine after another, a Subject would have been
 * completed by the first and heard no later run.)
 */
export class SharedMetricsObserver {
  private running = 0;

  constructor(private readonly observer: Partial<Observer<ProducerMetricsSnapshot>>) {}

  /** A subscription started: `metrics$` (its engine's snapshots) goes to the observer until it completes. */
  attach(metrics$: Observable<ProducerMetricsSnapshot>): void {
    this.running += 1;
    // Subscribed with functions of its own, so the observer is never completed by RxJS; a throw
    // from one of its callbacks is reported as RxJS reports an observer's (not into the engine).
    metrics$.subscribe({
      next: (snapshot) => this.observer.next?.(snapshot),
      complete: () => {
        this.running -= 1;
        if (this.running === 0) this.observer.complete?.();
      },
    });
  }
}
