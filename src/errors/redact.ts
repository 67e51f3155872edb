import { types } from '../platform/util.js';

/**
 * Redaction: what this library prints about a value, an option or a third-party error never
 * carries a secret. URLs lose their user info (the password always, the user name too unless it
 * reads like a plain account name), values of options whose names look secret are replaced, and
 * the command arguments ioredis attaches to its errors (an AUTH password among them) are dropped.
 */

/** What stands in for a secret value. */
export const REDACTED = '[redacted]';

/** Marks the errors of this library, which redact their message and cause when built. */
export const REDACTED_ERROR: unique symbol = Symbol.for('rxjs-kinesis.redacted-error');

/** What stands in for the secret part of a URL's user info. */
const URL_SECRET = '***';

/** Words that make an option or property name secret on their own. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'authentication',
  'cookie',
  'cookies',
  'signature',
  'apikey',
  'privatekey',
  'accesskey',
  'pfx',
]);

/** Fragments that make a name secret wherever they appear in it (e.g. `dbPassword`, `xAuthToken`). */
const SECRET_FRAGMENTS = [
  'password',
  'passwd',
  'secret',
  'token',
  'credential',
  'apikey',
  'privatekey',
  'auth',
];

/** `key` is secret, except next to these words (`partitionKey`, `explicitHashKey`, `keyPrefix`). */
const NON_SECRET_KEY_NEIGHBOURS = new Set([
  'partition',
  'hash',
  'prefix',
  'sort',
  'primary',
  'shard',
  'name',
]);

/** Names whose string values are connection strings: their user info is redacted even unparsed. */
const CONNECTION_NAME = /url|uri|endpoint|dsn|redis|connection|host/i;

/** Properties of third-party errors that carry request data rather than a description. */
const DROPPED_ERROR_PROPERTIES = new Set([
  'command',
  'args',
  'argv',
  'options',
  'config',
  'request',
  'input',
]);

const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/**
 * Whether a value is an Error, from this realm or another one (Node's own errors seen from a vm
 * context, as under jest, are not `instanceof Error` there).
 */
export function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Whether an option or property name says its value is a secret: it holds a word such as
 * password, secret, token, key, credential or auth (`password`, `secretAccessKey`, `authToken`,
 * `credential`, `apiKey`). `partitionKey`, `explicitHashKey` and `keyPrefix` are not secret.
 */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  const joined = words.join('');
  if (SECRET_FRAGMENTS.some((fragment) => joined.includes(fragment))) return true;
  const keyIndex = words.findIndex((word) => word === 'key' || word === 'keys');
  if (keyIndex === -1) return false;
  return !words.some((word, index) => index !== keyIndex && NON_SECRET_KEY_NEIGHBOURS.has(word));
}

/** A user name that reads like an account (`default`, `app-reader`), not like a token or key id. */
function isPlainUserName(user: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,15}$/.test(user)) return false;
  return (user.match(/[0-9]/g)?.length ?? 0) <= 3;
}

/** The user info `user:password` (or `token`) as it may be shown. */
function redactUserInfo(userInfo: string): string {
  const colon = userInfo.indexOf(':');
  if (colon === -1) return URL_SECRET;
  const user = userInfo.slice(0, colon);
  if (user === '') return `:${URL_SECRET}`;
  return isPlainUserName(decodeUserName(user)) ? `${user}:${URL_SECRET}` : URL_SECRET;
}

function decodeUserName(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** `//user:pass@` anywhere: in URLs, and in mistyped ones such as `redis//:pass@host`. */
const AUTHORITY_WITH_USER_INFO = /\/\/([^\s/?#]*)@/g;
/**
 * `scheme:user:pass@` or `scheme:/user:pass@` (a URL missing a slash), or a bare `user:pass@`
 * (which reads the same): a word that starts a token, a colon, at most one slash.
 */
const SCHEME_WITH_USER_INFO = /(?<![\w+.\-/:@])([a-z][a-z0-9+.-]*):(\/?)([^\s/?#]*)@/gi;

/**
 * Redacts the user info of every URL in a text: `redis://app:hunter2@db:6379` becomes
 * `redis://app:***@db:6379`, `https://AKIA...:x@host` becomes `https://***@host`. Host and port
 * stay, so the message still says where. Applying it twice changes nothing more.
 */
export function redactText(text: string): string {
  if (!text.includes('@')) return text;
  return text
    .replace(AUTHORITY_WITH_USER_INFO, (_match, userInfo: string) =>
      userInfo === '' ? '//@' : `//${redactUserInfo(userInfo)}@`,
    )
    .replace(SCHEME_WITH_USER_INFO, (match, scheme: string, slash: string, userInfo: string) => {
      if (slash !== '') return userInfo === '' ? match : `${scheme}:/${redactUserInfo(userInfo)}@`;
      return `${redactUserInfo(`${scheme}:${userInfo}`)}@`;
    });
}

/**
 * A connection string (URL, endpoint) as it may be shown, even when it does not parse: everything
 * before the last `@` other than the scheme and a plain user name is replaced.
 */
export function redactConnectionString(value: string): string {
  const at = value.lastIndexOf('@');
  if (at === -1) return redactText(value);
  const scheme = /^[a-z][a-z0-9+.-]*:\/*/i.exec(value)?.[0] ?? '';
  const userInfo = value.slice(scheme.length, at).replace(/^\/+/, '');
  return `${scheme}${redactUserInfo(userInfo)}${redactText(value.slice(at))}`;
}

/**
 * A copy of `value` that is safe to print or keep in an error: the whole value when `name` looks
 * secret, URL user info in strings, secret-named properties of plain objects (to a bounded
 * depth). Class instances (a Redis client, a Buffer) become `[ClassName]`; they may hold
 * credentials in their options. Dates, functions and primitives stay as they are.
 */
export function redactValue(value: unknown, name?: string): unknown {
  return redactAt(value, name, 0, new WeakSet<object>());
}

function redactAt(value: unknown, name: string | undefined, depth: number, seen: WeakSet<object>): unknown {
  if (value === undefined || value === null) return value;
  if (name !== undefined && isSecretName(name)) return REDACTED;
  if (typeof value === 'string')
    return name !== undefined && CONNECTION_NAME.test(name)
      ? redactConnectionString(value)
      : redactText(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  if (Array.isArray(value))
    return value.slice(0, MAX_KEYS).map((item) => redactAt(item, undefined, depth + 1, seen));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `[${constructorName(value)}]`;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).slice(0, MAX_KEYS))
    copy[key] = redactAt((value as Record<string, unknown>)[key], key, depth + 1, seen);
  return copy;
}

function constructorName(value: object): string {
  const constructor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof constructor?.name === 'string' && constructor.name !== '' ? constructor.name : 'object';
}

/**
 * A third-party error as it may travel as a `cause`: the same object when it holds nothing to
 * hide, otherwise a copy of the same class with URL user info redacted from its message and
 * stack, request data (ioredis's `command` with its arguments, `options`, `config`, `input`)
 * dropped, secret-named properties replaced, and its own causes redacted in turn. The error
 * classes of this library are redacted when they are built and pass unchanged.
 */
export function redactError(error: unknown): unknown {
  return redactErrorAt(error, 0);
}

function redactErrorAt(error: unknown, depth: number): unknown {
  if (!isError(error)) {
    if (typeof error === 'string') return redactText(error);
    return error;
  }
  if (isRedactedByConstruction(error)) return error;
  if (depth >= MAX_DEPTH || !needsRedaction(error, depth)) return error;
  // A real Error (so inspect and loggers treat it as one) of the original class.
  const copy = new Error() as Error & Record<string, unknown>;
  Object.setPrototypeOf(copy, Object.getPrototypeOf(error) as object);
  for (const key of Reflect.ownKeys(copy)) Reflect.deleteProperty(copy, key);
  for (const key of Reflect.ownKeys(error)) {
    if (typeof key !== 'string' || DROPPED_ERROR_PROPERTIES.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const raw: unknown = descriptor.value;
    let safe: unknown;
    if (key === 'message' || key === 'stack') safe = typeof raw === 'string' ? redactText(raw) : raw;
    else if (key === 'cause') safe = redactErrorAt(raw, depth + 1);
    else if (key === 'errors' && Array.isArray(raw)) safe = raw.map((item) => redactErrorAt(item, depth + 1));
    else if (isError(raw)) safe = redactErrorAt(raw, depth + 1);
    else safe = redactValue(raw, key);
    Object.defineProperty(copy, key, { ...descriptor, value: safe });
  }
  return copy;
}

/** Errors of this library redact themselves when built (see RxjsKinesisError). */
function isRedactedByConstruction(error: Error): boolean {
  return (error as { [REDACTED_ERROR]?: unknown })[REDACTED_ERROR] === true;
}

function needsRedaction(error: Error, depth: number): boolean {
  for (const key of Reflect.ownKeys(error)) {
    if (typeof key !== 'string') continue;
    if (DROPPED_ERROR_PROPERTIES.has(key)) return true;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const raw: unknown = descriptor.value;
    if (raw === undefined || raw === null) continue;
    if (key !== 'message' && key !== 'stack' && isSecretName(key)) return true;
    if (typeof raw === 'string') {
      if (redactText(raw) !== raw) return true;
    } else if (isError(raw)) {
      if (redactErrorAt(raw, depth + 1) !== raw) return true;
    } else if (key === 'errors' && Array.isArray(raw)) {
      if (raw.some((item) => redactErrorAt(item, depth + 1) !== item)) return true;
    } else if (isPlainData(raw) && safeJson(redactValue(raw)) !== safeJson(raw)) {
      // Plain data (ioredis-style `{ name, args }` under another name, a config object) that
      // holds a secret-named field or a URL with user info. Class instances (an SDK response)
      // describe themselves and are left alone unless their key says secret.
      return true;
    }
  }
  return false;
}

function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
