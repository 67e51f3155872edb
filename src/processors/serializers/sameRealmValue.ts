/*
 * Values of another realm (a node:vm context's, an iframe's, a worker's structured clone does not
 * count: it arrives in this realm) made this realm's, so that msgpack writes them as it writes
 * this realm's own: msgpackr and the one-pass writer tell typed arrays, Dates, Maps and Sets by
 * their constructor or `instanceof`, and write another realm's as plain objects (a Uint8Array as
 * a map of its indexes, a Date through its toJSON as a string). Only the msgpack path for items
 * the one-pass writer does not take comes here: the common case never pays for it.
 */

/** Deeper nesting is left as it is (msgpackr then decides, as for this realm's values). */
const MAX_DEPTH = 256;

const toTag = Object.prototype.toString;
const getPrototypeOf = Object.getPrototypeOf;
const keysOf = Object.keys;
const isView = ArrayBuffer.isView;
/** This realm's %TypedArray%, the base class of its typed arrays. */
const TypedArray = getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;
/** %TypedArray%.prototype[Symbol.toStringTag]: a typed array's own name, whatever its realm; else undefined. */
const typedArrayName = Object.getOwnPropertyDescriptor(
  getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)?.get as (this: unknown) => string | undefined;
const dateTime = Date.prototype.getTime;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const regExpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source')?.get as (
  this: unknown,
) => string;
const regExpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags')?.get as (
  this: unknown,
) => string;
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get as (
  this: unknown,
) => number;

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** This realm's typed array constructors by name. */
const TYPED_ARRAYS: Readonly<Record<string, ViewConstructor>> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** This realm's error constructors by name (other names become plain Errors). */
const ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * `value` with every built-in of another realm in it (typed arrays, DataViews, ArrayBuffers,
 * Dates, Maps, Sets, RegExps, Errors) replaced by this realm's equivalent: typed arrays and
 * DataViews as views of the same bytes, the others as copies. The same value when it holds none;
 * else a copy of the arrays, plain objects, Maps and Sets on the way to them. Never throws: what
 * cannot be read (a getter that throws) is left as it is, for the msgpackr path to report.
 */
export function sameRealmValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? sameRealmObject(value, 0, new Set()) : value;
}

function sameRealmAt(value: unknown, depth: number, path: Set<object>): unknown {
  return typeof value === 'object' && value !== null ? sameRealmObject(value, depth, path) : value;
}

function sameRealmObject(value: object, depth: number, path: Set<object>): unknown {
  if (depth >= MAX_DEPTH || path.has(value)) return value;
  path.add(value);
  try {
    if (Array.isArray(value)) return sameRealmArray(value, depth + 1, path);
    // Typed arrays are told apart first: a realm may share them with another (as jest does).
    if (isView(value)) return isThisRealmView(value) ? value : sameRealmView(value);
    if (value instanceof Object) {
      // This realm's: only its containers can hold another realm's values.
      if (getPrototypeOf(value) === Object.prototype) return sameRealmPlain(value, depth + 1, path);
      if (value instanceof Map) return sameRealmMap(value, depth + 1, path, false);
      if (value instanceof Set) return sameRealmSet(value, depth + 1, path, false);
      return value;
    }
    return foreignObject(value, depth + 1, path);
  } catch {
    return value;
  } finally {
    path.delete(value);
  }
}

/** An object of another realm (or one with no prototype), told by what it is, not its constructor. */
function foreignObject(value: object, depth: number, path: Set<object>): unknown {
  switch (toTag.call(value)) {
    case '[object Object]': {
      const prototype = getPrototypeOf(value) as object | null;
      // A plain object (its prototype is its realm's Object.prototype, or none); not a class instance.
      if (prototype === null || getPrototypeOf(prototype) === null) return sameRealmPlain(value, depth, path);
      return value;
    }
    case '[object Date]':
      return new Date(dateTime.call(value));
    case '[object Map]':
      return sameRealmMap(value as Map<unknown, unknown>, depth, path, true);
    case '[object Set]':
      return sameRealmSet(value as Set<unknown>, depth, path, true);
    case '[object RegExp]':
      return new RegExp(regExpSource.call(value), regExpFlags.call(value));
    case '[object ArrayBuffer]':
      return new Uint8Array(value as ArrayBuffer, 0, arrayBufferLength.call(value)).slice().buffer;
    case '[object Error]': {
      const { name, message } = value as Error;
      const copy = new (ERRORS[String(name)] ?? Error)(String(message));
      if (!(String(name) in ERRORS)) copy.name = String(name);
      return copy;
    }
    default:
      return value;
  }
}

function isThisRealmView(view: object): boolean {
  return view instanceof TypedArray || view instanceof DataView;
}

/** A typed array or DataView of another realm as this realm's view of the same bytes. */
function sameRealmView(view: ArrayBufferView): ArrayBufferView {
  const name = typedArrayName.call(view);
  if (name === undefined) return new DataView(view.buffer, view.byteOffset, view.byteLength);
  const Constructor = TYPED_ARRAYS[name];
  if (Constructor === undefined) return view;
  return new Constructor(view.buffer, view.byteOffset, (view as Uint8Array).length);
}

function sameRealmArray(array: readonly unknown[], depth: number, path: Set<object>): unknown {
  // Built here on the first change (this realm's array, whatever the original's realm).
  let copy: unknown[] | undefined;
  for (let index = 0; index < array.length; index += 1) {
    const item = array[index];
    const local = sameRealmAt(item, depth, path);
    if (local !== item && copy === undefined) {
      copy = [];
      for (let before = 0; before < index; before += 1) copy.push(array[before]);
    }
    if (copy !== undefined) copy.push(local);
  }
  return copy ?? array;
}

function sameRealmPlain(object: object, depth: number, path: Set<object>): unknown {
  const keys = keysOf(object);
  const values: unknown[] = [];
  let changed = false;
  for (const key of keys) {
    const item = (object as Record<string, unknown>)[key];
    const local = sameRealmAt(item, depth, path);
    if (local !== item) changed = true;
    values.push(local);
  }
  if (!changed) return object;
  const copy: Record<string, unknown> = {};
  keys.forEach((key, index) => {
    // defineProperty, not assignment: an own `__proto__` key stays a key.
    Object.defineProperty(copy, key, {
      value: values[index],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return copy;
}

function sameRealmMap(
  map: Map<unknown, unknown>,
  depth: number,
  path: Set<object>,
  foreign: boolean,
): unknown {
  const entries: Array<[unknown, unknown]> = [];
  let changed = foreign;
  for (const [key, item] of mapEntries.call(map)) {
    const localKey = sameRealmAt(key, depth, path);
    const local = sameRealmAt(item, depth, path);
    if (localKey !== key || local !== item) changed = true;
    entries.push([localKey, local]);
  }
  return changed ? new Map(entries) : map;
}

function sameRealmSet(set: Set<unknown>, depth: number, path: Set<object>, foreign: boolean): unknown {
  const items: unknown[] = [];
  let changed = foreign;
  for (const item of setValues.call(set)) {
    const local = sameRealmAt(item, depth, path);
    if (local !== item) changed = true;
    items.push(local);
  }
  return changed ? new Set(items) : set;
}
