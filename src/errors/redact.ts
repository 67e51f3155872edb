import { types } from '../platform/util.js';
import { looksLikeCredential } from './credentialShapes.js';
import { isSecretName, REDACTED } from './secretNames.js';
import { redactText } from './redactUrls.js';
import { engineStack } from './redactStack.js';
import { withoutJsonInput } from './withoutJsonInput.js';
import {
  isPlainData,
  MAX_ERROR_DEPTH,
  MAX_KEYS,
  MAX_NODES,
  newWalk,
  readProperty,
  redactAt,
  redactTracked,
  TRUNCATED,
  UNREADABLE,
  type ErrorVisit,
  type Walk,
} from './redactionWalk.js';

/**
 * Redaction: what this library prints about a value, an option or a third-party error never
 * carries a secret. URLs lose their user info (the password always, the user name too unless it
 * reads like a plain account name), values of options whose names look secret are replaced, and
 * the command arguments ioredis attaches to its errors (an AUTH password among them) are dropped.
 */

export { isSecretName, REDACTED } from './secretNames.js';
export { redactConnectionString, redactText } from './redactUrls.js';
export { TRUNCATED, UNREADABLE } from './redactionWalk.js';

/** Marks the errors of this library, which redact their message and cause when built. */
export const REDACTED_ERROR: unique symbol = Symbol.for('rxjs-kinesis.redacted-error');

/** Properties of third-party errors that carry request data rather than a description. */
const DROPPED_ERROR_PROPERTIES = new Set([
  'command',
  'args',
  'argv',
  'options',
  'config',
  'request',
  'input',
  // The body of an answer the AWS SDK could not read, as text (a proxy's page may echo a token).
  '$responseBodyText',
]);

/**
 * Whether a value is an Error, from this realm or another one (Node's own errors seen from a vm
 * context, as under jest, are not `instanceof Error` there).
 */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || types.isNativeError(value);
  } catch {
    // `instanceof` asks a Proxy's getPrototypeOf trap, which may throw (or the Proxy be revoked).
    return false;
  }
}

/**
 * A copy of `value` that is safe to print or keep in an error: the whole value when `name` looks
 * secret, URL user info in strings, secret-named properties of plain objects (to a bounded
 * depth and size). Class instances (a Redis client, a Buffer) become `[ClassName]`; they may hold
 * credentials in their options. Dates, functions and primitives stay as they are. Never throws:
 * what cannot be read (a revoked Proxy, a getter that throws) becomes `[unreadable]`, a cycle
 * `[Circular]`.
 */
export function redactValue(value: unknown, name?: string): unknown {
  return redactAt(value, name, 0, newWalk());
}

/**
 * A third-party error as it may travel as a `cause`: the same object when it holds nothing to
 * hide, otherwise a copy of the same class with URL user info redacted from its message and
 * stack, request data (ioredis's `command` with its arguments, `options`, `config`, `input`)
 * dropped, secret-named properties replaced, and its own causes redacted in turn. The error
 * classes of this library are redacted when they are built and pass unchanged. A plain-data
 * cause is redacted as redactValue does; a string has its URLs redacted (one that reads as an
 * AWS credential is replaced whole).
 *
 * Never throws, whatever it walks: what cannot be read (a revoked Proxy, a Proxy whose traps
 * throw) becomes `[unreadable]`, getters are not run (but for the engine's own `stack` accessor,
 * so a copy keeps its stack on Node 22 and later), a cycle of causes is kept as a cycle of
 * copies, and a chain deeper than 8 causes or a walk of more than 1,000 objects is cut off with
 * `[truncated]`.
 */
export function redactError(error: unknown): unknown {
  return redactCause(error, 0, newWalk());
}

function redactCause(value: unknown, depth: number, walk: Walk): unknown {
  try {
    if (typeof value === 'string') return looksLikeCredential(value) ? REDACTED : redactText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (isError(value)) return redactErrorObject(value, depth, walk);
    if (!isPlainData(value)) return value;
    const [safe, changed] = redactTracked(value, undefined, depth, walk);
    return changed ? safe : value;
  } catch {
    return UNREADABLE;
  }
}

function redactErrorObject(error: Error, depth: number, walk: Walk): unknown {
  if (isRedactedByConstruction(error)) return error;
  const known = walk.errors.get(error);
  if (known !== undefined) {
    if (known.done) return known.result;
    // A cycle back to an error still being redacted: it is copied, and the cycle runs through
    // the copies.
    known.copy ??= blankCopy(error);
    return known.copy;
  }
  if (depth >= MAX_ERROR_DEPTH || ++walk.nodes > MAX_NODES) return TRUNCATED;
  const visit: ErrorVisit = { done: false, result: error, copy: undefined };
  walk.errors.set(error, visit);
  try {
    const [fields, changed] = redactErrorFields(error, depth, walk);
    // Copied when anything changed, or when a cycle back to it already took a copy.
    if (changed || visit.copy !== undefined) {
      const copy = (visit.copy ??= blankCopy(error));
      for (const [key, descriptor] of fields) Object.defineProperty(copy, key, descriptor);
      visit.result = copy;
    }
  } catch {
    visit.result = UNREADABLE;
  }
  visit.done = true;
  return visit.result;
}

/** A real Error (so inspect and loggers treat it as one) of the original class, with no own fields. */
function blankCopy(error: Error): Error & Record<string, unknown> {
  const copy = new Error() as Error & Record<string, unknown>;
  Object.setPrototypeOf(copy, Object.getPrototypeOf(error) as object | null);
  for (const key of Reflect.ownKeys(copy)) Reflect.deleteProperty(copy, key);
  return copy;
}

/**
 * The own fields of a redacted copy of `error`, and whether it holds anything to hide (else the
 * error itself may be kept). Accessors are not run: a copy leaves them out, unless their name
 * says secret; the engine's own `stack` accessor is read (see engineStack), its value redacted.
 */
function redactErrorFields(
  error: Error,
  depth: number,
  walk: Walk,
): [Array<[string, PropertyDescriptor]>, boolean] {
  const fields: Array<[string, PropertyDescriptor]> = [];
  let changed = false;
  let count = 0;
  const keys = Reflect.ownKeys(error);
  walk.nodes += Math.floor(keys.length / MAX_KEYS);
  const secretMessage = credentialMessage(error);
  for (const key of keys) {
    if (typeof key !== 'string') continue;
    if (DROPPED_ERROR_PROPERTIES.has(key) || ++count > MAX_KEYS) {
      changed = true;
      continue;
    }
    let descriptor = readDescriptor(error, key);
    const secretName = key !== 'message' && key !== 'stack' && isSecretName(key);
    if (key === 'stack' && descriptor !== undefined && !('value' in descriptor)) {
      // The engine's accessor (Node 22 and later): the copy holds the stack it gives, as a value.
      const stack = engineStack(error, descriptor);
      if (stack !== undefined)
        descriptor = { value: stack, writable: true, enumerable: descriptor.enumerable, configurable: true };
    }
    if (descriptor === undefined || !('value' in descriptor)) {
      if (descriptor === undefined || secretName) {
        changed = true;
        fields.push([
          key,
          {
            value: descriptor === undefined ? UNREADABLE : REDACTED,
            writable: true,
            configurable: true,
            enumerable: descriptor?.enumerable ?? true,
          },
        ]);
      }
      continue;
    }
    const raw: unknown = descriptor.value;
    const [safe, counts] = redactErrorField(key, raw, depth, walk, secretMessage);
    if (counts && safe !== raw) changed = true;
    fields.push([key, { ...descriptor, value: safe }]);
  }
  return [fields, changed];
}

/**
 * An error's message when it reads as an AWS credential as a whole (`new Error(secretKey)`, a
 * getter throwing the value it refused): it is hidden as a string cause that reads as one is.
 */
function credentialMessage(error: Error): string | undefined {
  const message: unknown = readDescriptor(error, 'message')?.value;
  return typeof message === 'string' && looksLikeCredential(message) ? message : undefined;
}

function readDescriptor(target: object, key: string): PropertyDescriptor | undefined {
  try {
    return Object.getOwnPropertyDescriptor(target, key);
  } catch {
    return undefined;
  }
}

/**
 * A field of an error as its copy holds it, and whether a change to it alone calls for a copy:
 * a class instance (an SDK response) describes itself and is kept unless its name says secret,
 * but a copy made for another reason shows it by class name only.
 */
function redactErrorField(
  key: string,
  raw: unknown,
  depth: number,
  walk: Walk,
  secretMessage: string | undefined,
): [unknown, boolean] {
  if (key === 'message' || key === 'stack') {
    if (typeof raw !== 'string') return [raw, true];
    // A message that is a credential whole: replaced, and so is its copy in the stack.
    const shown = secretMessage === undefined ? raw : raw.split(secretMessage).join(REDACTED);
    return [withoutJsonInput(redactText(shown)), true];
  }
  if (raw === undefined || raw === null) return [raw, true];
  if (key === 'cause') return [redactCause(raw, depth + 1, walk), true];
  try {
    if (key === 'errors' && Array.isArray(raw)) return [redactErrorList(raw, depth + 1, walk), true];
    if (isError(raw)) return [redactCause(raw, depth + 1, walk), true];
    if (isSecretName(key) || typeof raw !== 'object' || isPlainData(raw))
      return redactTracked(raw, key, depth + 1, walk);
    return [redactTracked(raw, key, depth + 1, walk)[0], false];
  } catch {
    return [UNREADABLE, true];
  }
}

/** An AggregateError's `errors`, each redacted: the same array when none changed. */
function redactErrorList(list: readonly unknown[], depth: number, walk: Walk): unknown {
  const length = list.length;
  const copy: unknown[] = [];
  let changed = length > MAX_KEYS;
  for (let index = 0; index < Math.min(length, MAX_KEYS); index++) {
    const item = readProperty(list, index);
    const safe = redactCause(item, depth, walk);
    if (safe !== item || item === UNREADABLE) changed = true;
    copy.push(safe);
  }
  if (length > MAX_KEYS) copy.push(`[${length - MAX_KEYS} more]`);
  return changed ? copy : list;
}

/** Errors of this library redact themselves when built (see RxjsKinesisError). */
function isRedactedByConstruction(error: Error): boolean {
  return (error as { [REDACTED_ERROR]?: unknown })[REDACTED_ERROR] === true;
}
