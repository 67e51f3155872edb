import type { SchedulerLike } from 'rxjs';
import { callDeadlineMs } from '../kinesis/callDeadline.js';
import type { StartTimer } from '../kinesis/startTimer.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';

/**
 * The deadline of each call the consumer makes through a client of the caller's own: the SDK's
 * default handler waits for an answer for ever, while a client the library builds has
 * `connectTimeout` and `requestTimeout` in its handler. Timed on the consumer's scheduler.
 */
export interface CallerClientDeadline {
  readonly ms: number;
  readonly scheduler: SchedulerLike;
}

/**
 * `connectTimeout` + `requestTimeout` (capped at the longest timer, see callDeadlineMs) with a
 * client of the caller's own; undefined otherwise.
 */
export function callerClientDeadline(options: ResolvedConsumerOptions): CallerClientDeadline | undefined {
  return options.client === undefined
    ? undefined
    : { ms: callDeadlineMs(options.connectTimeout, options.requestTimeout), scheduler: options.scheduler };
}

/** A StartTimer on `scheduler`. */
export function schedulerTimer(scheduler: SchedulerLike): StartTimer {
  return (fire, ms) => {
    const action = scheduler.schedule(fire, ms);
    return () => action.unsubscribe();
  };
}
