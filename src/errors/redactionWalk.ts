import { looksLikeCredential } from './credentialShapes.js';
import { isSecretName, REDACTED } from './secretNames.js';
import { redactConnectionString, redactText } from './redactUrls.js';

/*
 * The walk over plain values shared by redactValue and redactError: bounded in depth and size,
 * total (what cannot be read is replaced, never thrown), noting whether it replaced anything.
 */

/** Names whose string values are connection strings: their user info is redacted even unparsed. */
const CONNECTION_NAME = /url|uri|endpoint|dsn|redis|connection|host/i;

/** How deep plain values are copied; deeper objects show as `[Object]` / `[Array]`. */
export const MAX_DEPTH = 4;
/** How many properties of an object (items of an array) are copied. */
export const MAX_KEYS = 50;
/** How long a chain of causes is followed; what lies beyond is cut off. */
export const MAX_ERROR_DEPTH = 8;
/** How many objects and errors one redaction visits at most; the rest is cut off. */
export const MAX_NODES = 1000;

/** What stands in for a value that cannot be read: a revoked Proxy, a throwing trap or getter. */
export const UNREADABLE = '[unreadable]';

/** What stands in for what lies past the depth or size bounds of one redaction. */
export const TRUNCATED = '[truncated]';

/**
 * One redaction's walk: what it has left to visit, the objects on the current path (cycles), the
 * errors met so far with what stands for them, and whether anything has been replaced.
 */
export interface Walk {
  nodes: number;
  changed: boolean;
  readonly path: Set<object>;
  readonly errors: Map<object, ErrorVisit>;
}

/** An error being redacted (`done` false) or redacted: its copy if one was needed or asked for. */
export interface ErrorVisit {
  done: boolean;
  result: unknown;
  copy: (Error & Record<string, unknown>) | undefined;
}

export function newWalk(): Walk {
  return { nodes: 0, changed: false, path: new Set(), errors: new Map() };
}

/** `target[key]`, or UNREADABLE when reading it throws (a getter, a Proxy trap). */
export function readProperty(target: object, key: string | number): unknown {
  try {
    return (target as Record<string | number, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

/** redactAt, noting in `walk.changed` only whether this value had anything replaced. */
export function redactTracked(
  value: unknown,
  name: string | undefined,
  depth: number,
  walk: Walk,
): [unknown, boolean] {
  const before = walk.changed;
  walk.changed = false;
  const safe = redactAt(value, name, depth, walk);
  const changed = walk.changed;
  walk.changed = before || changed;
  return [safe, changed];
}

export function redactAt(value: unknown, name: string | undefined, depth: number, walk: Walk): unknown {
  if (value === undefined || value === null) return value;
  if (name !== undefined && isSecretName(name)) return replaced(walk, REDACTED);
  if (typeof value === 'string') {
    if (looksLikeCredential(value)) return replaced(walk, REDACTED);
    const safe =
      name !== undefined && CONNECTION_NAME.test(name) ? redactConnectionString(value) : redactText(value);
    if (safe !== value) walk.changed = true;
    return safe;
  }
  if (typeof value !== 'object') return value;
  if (walk.path.has(value)) return replaced(walk, '[Circular]');
  try {
    return redactObjectAt(value, depth, walk);
  } catch {
    return replaced(walk, UNREADABLE);
  } finally {
    walk.path.delete(value);
  }
}

function replaced(walk: Walk, stand: string): string {
  walk.changed = true;
  return stand;
}

function redactObjectAt(value: object, depth: number, walk: Walk): unknown {
  if (value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return replaced(walk, Array.isArray(value) ? '[Array]' : '[Object]');
  if (++walk.nodes > MAX_NODES) return replaced(walk, TRUNCATED);
  walk.path.add(value);
  if (Array.isArray(value)) {
    const length = value.length;
    if (length > MAX_KEYS) walk.changed = true;
    const copy: unknown[] = [];
    for (let index = 0; index < Math.min(length, MAX_KEYS); index++)
      copy.push(redactAt(readProperty(value, index), undefined, depth + 1, walk));
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    return replaced(walk, `[${constructorName(value)}]`);
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) {
    walk.changed = true;
    // Listing the keys cost their number: a huge object spends the walk's budget accordingly.
    walk.nodes += Math.floor(keys.length / MAX_KEYS);
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys.slice(0, MAX_KEYS)) {
    // defineProperty, not assignment: an own `__proto__` key stays a key.
    Object.defineProperty(copy, key, {
      value: redactAt(readProperty(value, key), key, depth + 1, walk),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function constructorName(value: object): string {
  const constructor = readProperty(value, 'constructor') as { name?: unknown } | undefined;
  const name = typeof constructor === 'function' ? readProperty(constructor, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

export function isPlainData(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
