import {
  catchError,
  concatWith,
  defer,
  EMPTY,
  ignoreElements,
  merge,
  tap,
  throwError,
  timeout,
  type Observable,
  type SchedulerLike,
} from 'rxjs';

/** One handler of an event: its call (as an Observable of its result) and its timeout. */
export interface HandlerRun {
  readonly call$: Observable<unknown>;
  /** Ms from the event's start (Infinity: no limit). */
  readonly timeoutMs: number;
  /**
   * Told, with its `timedOut()` error, when the handler is given up at its timeout (after `call$`
   * was unsubscribed), or when its timeout passed before it started (`call$` never subscribed).
   */
  readonly onTimeout?: (error: unknown) => void;
}

/**
 * Runs the handlers of one event side by side (as Nest starts the handlers of one pattern),
 * each within its own timeout counted from the event's start: one still running at its deadline
 * (or not started by then: the start hook took that long, and it is then never called)
 * is given up (an Observable unsubscribed, then its `onTimeout` told) with the error
 * `timedOut(its timeout)` while the others go on. `wrap` puts the run in the processing hooks;
 * the longest timeout bounds the whole, hooks included. Completes, emitting nothing, once every
 * handler ended; errors then with the first failure, if any.
 */
export function runHandlers(
  runs: readonly HandlerRun[],
  wrap: (work$: Observable<never>) => Observable<never>,
  timedOut: (timeoutMs: number) => unknown,
  scheduler: SchedulerLike,
): Observable<never> {
  return defer(() => {
    const longest = Math.max(...runs.map((run) => run.timeoutMs));
    const startedAt = scheduler.now();
    let failure: { readonly error: unknown } | undefined;
    /** The runs not ended yet (completed, failed or given up at their own timeout). */
    const running = new Set(runs);
    const each = runs.map((run) => {
      const { call$, timeoutMs } = run;
      // Values first: timeout()'s `first` stops counting at a value, and a handler that gave
      // one may still be running.
      const ended$ = call$.pipe(ignoreElements());
      const giveUp = (): unknown => {
        const error = timedOut(timeoutMs);
        run.onTimeout?.(error);
        return error;
      };
      const deadline = startedAt + timeoutMs;
      // The longest timeout is the whole run's: no timer of its own. A handler whose own timeout
      // passed before the hooks started the handlers is given up without being called.
      const bounded$ = defer(() =>
        scheduler.now() >= deadline
          ? throwError(giveUp)
          : within(ended$, new Date(deadline), giveUp, scheduler),
      );
      return (timeoutMs < longest ? bounded$ : ended$).pipe(
        // Ended on its own or at its timeout (not when unsubscribed: at the whole run's timeout).
        tap({ complete: () => running.delete(run), error: () => running.delete(run) }),
        catchError((error: unknown) => {
          failure ??= { error };
          return EMPTY;
        }),
      );
    });
    const work$ = merge(...each).pipe(
      concatWith(
        defer(() => {
          const failed = failure;
          return failed === undefined ? EMPTY : throwError(() => failed.error);
        }),
      ),
    );
    // At the whole run's timeout every handler still running is given up with its error (the
    // others ended at their own, shorter, timeouts).
    return within(
      wrap(work$),
      longest,
      () => {
        const error = timedOut(longest);
        for (const run of runs) if (running.has(run)) run.onTimeout?.(error);
        // A handler that failed (or was given up) before is the event's first failure.
        return failure === undefined ? error : failure.error;
      },
      scheduler,
    );
  });
}

/** `source$`, failing with `error()` unless it ends by `first` (ms from now, or a date). */
function within<T>(
  source$: Observable<T>,
  first: number | Date,
  error: () => unknown,
  scheduler: SchedulerLike,
): Observable<T> {
  if (first === Infinity) return source$;
  return source$.pipe(timeout({ first, scheduler, with: () => throwError(error) }));
}
