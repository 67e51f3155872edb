import type { SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/**
 * A deadline for each call through a client the library did not build (it gives its own
 * clients' requests deadlines in their request handler; the SDK's default handler waits for an
 * answer for ever). Timed on the producer's scheduler.
 */
export interface CallDeadline {
  readonly ms: number;
  readonly scheduler: SchedulerLike;
}

interface LiveCall {
  readonly controller: AbortController;
  timer: Subscription | undefined;
}

/**
 * The producer's calls to Kinesis in flight. Each call gets its own AbortSignal and, with a
 * deadline, a timer on the producer's scheduler; stop() (the producer is disposed) aborts every
 * call still in flight and cancels its timer, so nothing the producer started outlives it: a late
 * answer changes nothing, and no call starts after it.
 */
export class ProducerCalls {
  private readonly live = new Set<LiveCall>();
  private stopped = false;

  /** The deadline of each call: at most the longest timer (a longer delay would pass at once). */
  readonly deadline: CallDeadline | undefined;

  constructor(deadline: CallDeadline | undefined) {
    this.deadline =
      deadline === undefined ? undefined : { ...deadline, ms: Math.min(MAX_TIMER_MS, deadline.ms) };
  }

  /**
   * Makes one call and hands its outcome to `answered` or `failed`, exactly once, unless stop()
   * comes first (then neither is called). With a deadline, a call still unanswered when it passes
   * is aborted and fails with `timeoutError()`; its late answer is ignored. Callbacks, not a
   * promise: a client answering on an RxJS scheduler keeps the caller in that scheduler's
   * (virtual) time.
   */
  call<R>(
    call: (abortSignal: AbortSignal) => PromiseLike<R>,
    timeoutError: () => Error,
    answered: (value: R) => void,
    failed: (error: unknown) => void,
  ): void {
    if (this.stopped) return;
    const entry: LiveCall = { controller: new AbortController(), timer: undefined };
    this.live.add(entry);
    const { deadline } = this;
    if (deadline !== undefined) {
      entry.timer = deadline.scheduler.schedule(() => {
        entry.timer = undefined;
        if (!this.live.delete(entry)) return;
        failed(timeoutError());
        entry.controller.abort();
      }, deadline.ms);
    }
    /** True if the call was still running: its outcome is to be handed on. */
    const finish = (): boolean => {
      if (!this.live.delete(entry)) return false;
      entry.timer?.unsubscribe();
      entry.timer = undefined;
      return true;
    };
    let answer: PromiseLike<R>;
    let then: unknown;
    try {
      answer = call(entry.controller.signal);
      then = (answer as Partial<PromiseLike<R>> | null | undefined)?.then;
    } catch (error) {
      if (finish()) failed(error);
      return;
    }
    if (typeof then !== 'function') {
      // A client of the caller's own answering with no promise: the call fails as a thrown
      // send() does, where it would stay in flight for ever.
      if (finish())
        failed(new TypeError(`the client's send() returned ${describeAnswer(answer)}, not a promise`));
      return;
    }
    // A thenable whose then() throws before calling back fails as a rejection would (as `await`
    // treats it); once it called back, the throw changes nothing.
    try {
      (then as PromiseLike<R>['then']).call(
        answer,
        (value) => {
          if (finish()) answered(value);
        },
        (error: unknown) => {
          if (finish()) failed(error);
        },
      );
    } catch (error) {
      if (finish()) failed(error);
    }
  }

  /** Aborts every call in flight and cancels its deadline; calls asked for later are not made. */
  stop(): void {
    this.stopped = true;
    const live = [...this.live];
    this.live.clear();
    for (const entry of live) {
      entry.timer?.unsubscribe();
      entry.timer = undefined;
      entry.controller.abort();
    }
  }
}

/** What a client's send() returned instead of a promise, for an error message (no value shown). */
function describeAnswer(answer: unknown): string {
  return answer === null ? 'null' : typeof answer === 'object' ? 'an object without then()' : typeof answer;
}
