import { createHook } from 'node:async_hooks';

/** The timers started since `timersStarted()` was called; see there. */
export interface StartedTimers {
  /** How many of them are still pending and keep the event loop alive (cleared or run: not). */
  pending(): Promise<number>;
  /** Stops watching. */
  stop(): void;
}

interface TimerResource {
  hasRef?: () => boolean;
}

/**
 * Watches the timers (setTimeout, setInterval) started from now on, so a test can check that a
 * run left none of its own behind. Unlike a count of the process's active timers before and
 * after, timers started earlier (by an earlier test, by a server the file shares) do not count,
 * whether they run out meanwhile or not.
 */
export function timersStarted(): StartedTimers {
  const started = new Map<number, TimerResource>();
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (type === 'Timeout') started.set(asyncId, resource as TimerResource);
    },
    destroy(asyncId) {
      started.delete(asyncId);
    },
  }).enable();
  return {
    async pending() {
      // Node reports a timer cleared or run to destroy hooks from a queue of its own, after the
      // current turn: let that queue drain first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      let count = 0;
      for (const timer of started.values()) if (timer.hasRef?.() !== false) count += 1;
      return count;
    },
    stop: () => void hook.disable(),
  };
}
