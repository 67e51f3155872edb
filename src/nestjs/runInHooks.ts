import { Observable, type Subscription } from 'rxjs';

/** A processing hook that failed an event, and its error (as the event fails with it). */
export interface HookFailure {
  readonly hook: 'start' | 'end';
  readonly error: unknown;
}

/** The server's processing hooks and result conversion, as runInHooks() calls them. */
export interface HandlerHooks {
  /** The processing start hook; calls `done` to run the handler (may return a Promise). */
  readonly start: (done: () => Promise<void>) => unknown;
  /** The processing end hook, called once the handler finished (or was unsubscribed). */
  readonly end: () => void;
  /** A start hook that rejected after the handler finished: the event stands as handled. */
  readonly lateFailure: (error: unknown) => void;
  /** A start hook that called `done` again: that call changed nothing. */
  readonly doneAgain: () => void;
  /** Told before the event fails with the error of a hook (not of its handlers). */
  readonly onHookFailure?: (failure: HookFailure) => void;
}

/**
 * Runs the handlers of an event (`work$`, subscribed once the start hook calls `done`) inside
 * the server's processing hooks; completes (emitting nothing) when `work$` does. Unsubscribing
 * (a timeout, a close that gives up) unsubscribes `work$`. A start hook that throws or rejects
 * before the work finished, or an end hook that throws, fails the event (never an unhandled
 * rejection). `done` runs the work once: a later call returns the first call's Promise (and tells
 * `doneAgain`), it does not run the handlers again.
 */
export function runInHooks(work$: Observable<never>, hooks: HandlerHooks): Observable<never> {
  return new Observable<never>((subscriber) => {
    let inner: Subscription | undefined;
    let active = true;
    const fail = (error: unknown): void => subscriber.error(error);
    let running: Promise<void> | undefined;
    const startHook = (done: () => Promise<void>): unknown => {
      try {
        return hooks.start(done);
      } catch (error) {
        hooks.onHookFailure?.({ hook: 'start', error });
        throw error;
      }
    };
    const started: unknown = startHook(() => {
      if (running !== undefined) {
        hooks.doneAgain();
        return running;
      }
      running = new Promise<void>((done) => {
        if (!active) {
          done();
          return;
        }
        let ended = false;
        const end = (): unknown => {
          if (ended) return undefined;
          ended = true;
          try {
            hooks.end();
            return undefined;
          } catch (thrown) {
            const error: unknown = thrown ?? new Error('onProcessingEndHook threw');
            hooks.onHookFailure?.({ hook: 'end', error });
            return error;
          } finally {
            done();
          }
        };
        inner = work$.subscribe({
          error: (error: unknown) => {
            end();
            fail(error);
          },
          complete: () => {
            const hookError = end();
            if (hookError === undefined) subscriber.complete();
            else fail(hookError);
          },
        });
        inner.add(end);
      });
      return running;
    });
    if (started instanceof Promise) {
      started.catch((error: unknown) => {
        if (subscriber.closed) {
          hooks.lateFailure(error);
          return;
        }
        hooks.onHookFailure?.({ hook: 'start', error });
        fail(error);
      });
    }
    return () => {
      active = false;
      inner?.unsubscribe();
    };
  });
}
