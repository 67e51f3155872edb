import { createHook } from 'node:async_hooks';
import { sep } from 'node:path';

/** The timers started since `timersStarted()` was called; see there. */
export interface StartedTimers {
  /**
   * Where each of them still pending (and keeping the event loop alive) was started, as the
   * first frames of its stack (cleared or run: not listed). A test expects `[]`; when it is not,
   * the failure shows what started the timer left behind.
   */
  pending(): Promise<string[]>;
  /** Stops watching. */
  stop(): void;
}

interface TimerResource {
  hasRef?: () => boolean;
}

/** Frames of the stack kept per timer: enough to name the code that started it. */
const FRAMES = 8;

/**
 * Watches the timers (setTimeout, setInterval) started from now on, so a test can check that a
 * run left none of its own behind. Unlike a count of the process's active timers before and
 * after, timers started earlier (by an earlier test, by a server the file shares) do not count,
 * whether they run out meanwhile or not.
 */
export function timersStarted(): StartedTimers {
  const started = new Map<number, { resource: TimerResource; where: string }>();
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (type !== 'Timeout') return;
      // The frames below this hook and Node's own timer code: who called setTimeout.
      const frames = (new Error().stack ?? '')
        .split('\n')
        .slice(1)
        .filter((line) => !line.includes('node:internal') && !line.includes('timersStarted'));
      // Jest's status line, ticking in this process when jest runs the files in band: the test
      // runner's timer, not the code under test's.
      if (frames.some((line) => line.includes(`${sep}@jest${sep}reporters${sep}`))) return;
      started.set(asyncId, {
        resource: resource as TimerResource,
        where: frames.slice(0, FRAMES).join('\n'),
      });
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
      const left: string[] = [];
      for (const { resource, where } of started.values()) if (resource.hasRef?.() !== false) left.push(where);
      return left;
    },
    stop: () => void hook.disable(),
  };
}
