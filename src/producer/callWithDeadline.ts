import type { SchedulerLike } from 'rxjs';

/**
 * A deadline for each call through a client the library did not build (it gives its own
 * clients' requests deadlines in their request handler; the SDK's default handler waits for an
 * answer for ever). Timed on the producer's scheduler.
 */
export interface CallDeadline {
  readonly ms: number;
  readonly scheduler: SchedulerLike;
}

/**
 * Makes one call and hands its outcome to `answered` or `failed`, exactly once. With a deadline,
 * a call still unanswered when it passes is aborted and fails with `timeoutError()`; its late
 * answer is ignored. Callbacks, not a promise: a client answering on an RxJS scheduler keeps the
 * caller in that scheduler's (virtual) time.
 */
export function callWithDeadline<R>(
  call: (abortSignal: AbortSignal | undefined) => PromiseLike<R>,
  deadline: CallDeadline | undefined,
  timeoutError: () => Error,
  answered: (value: R) => void,
  failed: (error: unknown) => void,
): void {
  if (deadline === undefined) {
    let answer: PromiseLike<R>;
    try {
      answer = call(undefined);
    } catch (error) {
      failed(error);
      return;
    }
    answer.then(answered, failed);
    return;
  }
  const controller = new AbortController();
  let settled = false;
  const timer = deadline.scheduler.schedule(() => {
    if (settled) return;
    settled = true;
    failed(timeoutError());
    controller.abort();
  }, deadline.ms);
  const settle =
    <A>(handle: (outcome: A) => void) =>
    (outcome: A) => {
      if (settled) return;
      settled = true;
      timer.unsubscribe();
      handle(outcome);
    };
  let answer: PromiseLike<R>;
  try {
    answer = call(controller.signal);
  } catch (error) {
    settle(failed)(error);
    return;
  }
  answer.then(settle(answered), settle(failed));
}
