import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** What keeps Node's event loop alive: a timer or an open handle (socket, server, watcher). */
interface RefCounted {
  hasRef(): boolean;
}

/** The timers and handles started inside `run`, and which of them still keep the process alive. */
export interface HandleWatch {
  /** Runs `body`; every timer and handle started by it, or later by what it started, is watched. */
  run<T>(body: () => Promise<T>): Promise<T>;
  /**
   * The watched ones still open and keeping the event loop alive (not cleared, closed or
   * unref'd), each as its kind and where it was started; `[]` when none is.
   */
  pending(): Promise<string[]>;
  stop(): void;
}

/** Frames of the stack kept per timer or handle: enough to name the code that started it. */
const FRAMES = 6;

function isRefCounted(resource: unknown): resource is RefCounted {
  return typeof (resource as Partial<RefCounted> | null)?.hasRef === 'function';
}

/**
 * Watches Node's own timers and handles, through async_hooks: those started in the async context
 * of `run` (directly, or by a callback, promise or timer that context started). Timers and
 * sockets of the test runner, of a server the test file shares or of other tests are not in that
 * context and do not count. Undefined where async_hooks is missing (not Node).
 */
export function watchHandles(): HandleWatch | undefined {
  if (typeof createHook !== 'function' || typeof AsyncLocalStorage !== 'function') return undefined;
  const context = new AsyncLocalStorage<true>();
  const started = new Map<number, { resource: RefCounted; what: string }>();
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (context.getStore() !== true || !isRefCounted(resource)) return;
      const frames = (new Error().stack ?? '')
        .split('\n')
        .slice(1)
        .filter((line) => !line.includes('node:internal') && !line.includes('watchHandles'));
      started.set(asyncId, {
        resource,
        what: `${type === 'Timeout' ? 'a timer' : type} started\n${frames.slice(0, FRAMES).join('\n')}`,
      });
    },
    destroy(asyncId) {
      started.delete(asyncId);
    },
  });
  hook.enable();
  return {
    run: (body) => context.run(true, body),
    async pending() {
      // Node reports a timer cleared or run, and a handle closed, to destroy hooks from a queue of
      // its own after the current turn: let that queue drain first.
      for (let turn = 0; turn < 2; turn++) await nextTurn();
      const left: string[] = [];
      for (const { resource, what } of started.values()) if (resource.hasRef()) left.push(what);
      return left;
    },
    stop: () => void hook.disable(),
  };
}
