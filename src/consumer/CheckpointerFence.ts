import type { Checkpointer } from '../checkpointers/Checkpointer.js';

/**
 * A checkpointer (or lease coordinator) seen through a fence that a stop past its deadline closes
 * (ConsumerOptions.finalWritesTimeoutMs). While open, every call passes as is. Once closed, a
 * call under way is no longer waited for: its answer or failure, whenever it comes, is ignored
 * (the promise the caller awaits never settles, so the code after it never runs, and a late
 * rejection is nobody's: never unhandled), and no new call reaches the checkpointer.
 */
export class CheckpointerFence<T extends Checkpointer> {
  /** The checkpointer to call through the fence: the same properties and methods as the one given. */
  readonly checkpointer: T;
  private closed = false;

  constructor(inner: T) {
    this.checkpointer = new Proxy(inner, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => this.call(() => value.apply(target, args) as unknown);
      },
    });
  }

  /** Stops waiting for the calls under way and lets no new one through. */
  close(): void {
    this.closed = true;
  }

  private call(run: () => unknown): unknown {
    if (this.closed) return pending();
    const result = run();
    if (!isThenable(result)) return result;
    return Promise.resolve(result).then(
      (value: unknown) => (this.closed ? pending() : value),
      (error: unknown) => {
        if (this.closed) return pending();
        throw error;
      },
    );
  }
}

/** A promise that never settles (each its own, so nothing piles up on a shared one). */
function pending(): Promise<never> {
  return new Promise<never>(() => undefined);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
