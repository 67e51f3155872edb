import { types } from '../platform/util.js';

/** What an engine's own stack accessor prints as its source (V8's, whatever the realm). */
const NATIVE_SOURCE = 'function () { [native code] }';

/**
 * The stack of `error` when its own `stack` is the engine's accessor (V8 from Node 22 on, and in
 * Chromium: an own getter and setter on every Error instance, one pair per realm), else undefined.
 * Only that accessor is run: the error must be a real Error of some realm and the getter a
 * built-in function (not a Proxy, not one written in JavaScript); a getter that throws or gives
 * anything but a string gives undefined. A redacted copy cannot take the accessor over (it reads
 * the stack of the object it is called on), so it carries the string this returns instead.
 */
export function engineStack(error: Error, descriptor: PropertyDescriptor): string | undefined {
  const { get, set } = descriptor;
  if (!isBuiltIn(get) || (set !== undefined && !isBuiltIn(set)) || !types.isNativeError(error))
    return undefined;
  try {
    const stack: unknown = Reflect.apply(get, error, []);
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}

function isBuiltIn(value: unknown): value is (this: unknown) => unknown {
  if (typeof value !== 'function') return false;
  try {
    return !types.isProxy(value) && Function.prototype.toString.call(value) === NATIVE_SOURCE;
  } catch {
    return false;
  }
}
