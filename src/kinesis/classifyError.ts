import { looksLikeCredential } from '../errors/credentialShapes.js';
import { describeThrown } from '../errors/describeThrown.js';
import { REDACTED } from '../errors/secretNames.js';
import { RxjsKinesisError, type ErrorContext } from '../errors/RxjsKinesisError.js';
import { AbortedError } from './errors/AbortedError.js';
import { AccessDeniedError } from './errors/AccessDeniedError.js';
import { ConnectionError } from './errors/ConnectionError.js';
import { ExpiredIteratorError } from './errors/ExpiredIteratorError.js';
import type { KinesisErrorOptions } from './errors/KinesisError.js';
import { KinesisRequestError } from './errors/KinesisRequestError.js';
import { KinesisServiceError } from './errors/KinesisServiceError.js';
import { KinesisValidationError } from './errors/KinesisValidationError.js';
import { RequestTimeoutError } from './errors/RequestTimeoutError.js';
import { StreamNotActiveError } from './errors/StreamNotActiveError.js';
import { StreamNotFoundError } from './errors/StreamNotFoundError.js';
import { ThrottledError } from './errors/ThrottledError.js';
import { ACCESS_NAMES, SERVICE_NAMES, THROTTLING_NAMES, VALIDATION_NAMES } from './awsErrorNames.js';
import { withConfigurationAdvice } from './configurationAdvice.js';
import { foreignMessage, foreignStatus } from './foreignStatus.js';

/** Node/SDK network failure codes: the request never got a complete answer. */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  // TLS: the server is not the one expected, or does not speak TLS.
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
]);

const CONNECTION_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Codes and names of a request that got no answer in time (a subset of the connection failures). */
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TIMEOUT_NAMES = new Set(['RequestTimeout', 'RequestTimeoutException']);
// The SDK's handler also names resets "TimeoutError"; only its own deadlines say "time(d) out".
const TIMEOUT_MESSAGES = /\btim(?:ed|e) ?out\b|\btimeout\b/i;
// The SDK may wrap a socket error as "AWS SDK error wrapper for TimeoutError: socket hang up".
// fetch() rejects with a TypeError whose text depends on the runtime: Chromium, Firefox, Safari, Node.
const CONNECTION_MESSAGES =
  /^(?:AWS SDK error wrapper for [A-Za-z]+: )?(socket hang up|aborted|read ECONNRESET|Client network socket disconnected|Failed to fetch|NetworkError when attempting to fetch resource|Load failed|fetch failed)/;
/**
 * An event stream (SubscribeToShard) whose connection ended inside a message: the SDK's decoder
 * throws a plain Error, which carries the answer's status (200) when the message was the stream's
 * initial response.
 */
const TRUNCATED_EVENT_MESSAGE = /^Truncated event message received/;

/**
 * When what a request threw is not an `Error` of the SDK's own realm (another realm's Error, a
 * plain object), the SDK's retry layer replaces it with `new Error("AWS SDK error wrapper for
 * <String(thrown)>")`, dropping `code` and `name`: "AWS SDK error wrapper for Error: connect
 * ECONNREFUSED 127.0.0.1:9". The facts are read back from that text.
 */
const SDK_WRAPPER = /^AWS SDK error wrapper for (?:([A-Za-z][A-Za-z0-9]*): )?([\s\S]*)$/;
const CODE_TOKEN = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\bE[A-Z]{3,}\b/g;
// Node's TLS failures whose message carries no code.
const TLS_MESSAGES =
  /certificate|wrong version number|SSL routines|altnames|Client network socket disconnected before secure TLS/i;

/**
 * Node's code for an HTTP/2 request cancelled before it was sent: its session closed before it
 * connected (the host not found, the connection refused); the reason is the error's `cause`.
 */
const PENDING_STREAM_CANCELLED = 'ERR_HTTP2_STREAM_CANCEL';

/** The Node code named in a wrapped error's text, if it is a known connection failure. */
function codeInText(text: string): string | undefined {
  let found: string | undefined;
  for (const token of text.match(CODE_TOKEN) ?? []) {
    // A cancelled HTTP/2 request's text goes on with its reason: "(caused by: connect ...)".
    if (token !== PENDING_STREAM_CANCELLED && CONNECTION_CODES.has(token)) return token;
    if (CONNECTION_CODES.has(token)) found ??= token;
  }
  return found ?? (TLS_MESSAGES.test(text) ? 'EPROTO' : undefined);
}

/** What classifyError reads from an unknown thrown value. */
interface ErrorFacts {
  readonly name: string | undefined;
  readonly code: string | undefined;
  readonly message: string;
  readonly fault: string | undefined;
  readonly httpStatusCode: number | undefined;
  readonly requestId: string | undefined;
  readonly sdkRetryable: boolean;
  readonly sdkThrottling: boolean;
  readonly clockSkewCorrected: boolean;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const result = field(value, key);
  return typeof result === 'string' && result.length > 0 ? result : undefined;
}

function readFacts(error: unknown): ErrorFacts {
  const metadata = field(error, '$metadata');
  const status = field(metadata, 'httpStatusCode');
  const retryable = field(error, '$retryable');
  let message: string;
  if (error instanceof Error) message = error.message;
  else if (typeof error === 'string') message = error;
  else message = stringField(error, 'message') ?? String(error);
  // A message that is an AWS credential whole (a credentials provider rejecting with the key).
  if (looksLikeCredential(message)) message = REDACTED;
  let name = stringField(error, 'name');
  let code = stringField(error, 'code') ?? stringField(error, 'Code');
  if (name === 'AggregateError' && code !== undefined) {
    // Node's failure of every address tried for one host (autoSelectFamily): its code is the
    // first attempt's, its message empty.
    name = undefined;
    if (stringField(error, 'message') === undefined) message = aggregatedMessages(error) || message;
  }
  if (code === PENDING_STREAM_CANCELLED) code = causeConnectionCode(error) ?? code;
  const wrapped = typeof status === 'number' ? null : SDK_WRAPPER.exec(message);
  if (wrapped !== null) {
    name ??= wrapped[1];
    if (name === 'Error') name = wrapped[1];
    code ??= codeInText(wrapped[2] ?? '');
  }
  return {
    name: name === 'Error' ? undefined : name,
    code,
    message,
    fault: stringField(error, '$fault'),
    httpStatusCode: typeof status === 'number' ? status : undefined,
    requestId: stringField(metadata, 'requestId'),
    sdkRetryable: typeof retryable === 'object' && retryable !== null,
    sdkThrottling: field(retryable, 'throttling') === true,
    clockSkewCorrected: field(metadata, 'clockSkewCorrected') === true,
  };
}

/** The connection failure code of `error`'s cause, if it has one. */
function causeConnectionCode(error: unknown): string | undefined {
  const code = stringField(field(error, 'cause'), 'code');
  return code !== undefined && CONNECTION_CODES.has(code) ? code : undefined;
}

/** The messages of an AggregateError's errors, one after the other. */
function aggregatedMessages(error: unknown): string {
  const errors = field(error, 'errors');
  if (!Array.isArray(errors)) return '';
  return errors.map((each: unknown) => stringField(each, 'message') ?? String(each)).join('; ');
}

function isConnectionFailure(facts: ErrorFacts): boolean {
  if (facts.code !== undefined && CONNECTION_CODES.has(facts.code)) return true;
  if (facts.name !== undefined && CONNECTION_NAMES.has(facts.name)) return true;
  if (TRUNCATED_EVENT_MESSAGE.test(facts.message)) return true;
  // SDK responses carry $metadata with a status; a bare "aborted"/"socket hang up" Error does not.
  return facts.httpStatusCode === undefined && CONNECTION_MESSAGES.test(facts.message);
}

function isTimeout(facts: ErrorFacts): boolean {
  if (facts.code !== undefined && TIMEOUT_CODES.has(facts.code)) return true;
  if (facts.name !== undefined && TIMEOUT_NAMES.has(facts.name)) return true;
  if (facts.httpStatusCode === 408) return true;
  return (
    facts.name === 'TimeoutError' &&
    (facts.code === undefined || !CONNECTION_CODES.has(facts.code)) &&
    TIMEOUT_MESSAGES.test(facts.message)
  );
}

function withContext(error: RxjsKinesisError, context: ErrorContext | undefined): RxjsKinesisError {
  if (context === undefined) return error;
  const merged: ErrorContext = { ...context, ...error.context };
  (error as { context: ErrorContext }).context = merged;
  return error;
}

/**
 * Turns anything thrown by the AWS SDK, Node's network stack or this library into a typed
 * RxjsKinesisError. Library errors are returned as they are, with `context` fields they lack
 * filled in. SDK errors are recognised by their `name`, then `$metadata.httpStatusCode` and
 * `$fault`; network errors by their Node `code`. Never throws: a value whose fields cannot be
 * read (a revoked Proxy, getters that throw, what a client of the caller's own may reject with)
 * is an unknown failure described by describeThrown().
 */
export function classifyError(error: unknown, context?: ErrorContext): RxjsKinesisError {
  try {
    return classifyReadable(error, context);
  } catch {
    return classifyReadable(new Error(`the call failed with ${describeThrown(error)}`), context);
  }
}

function classifyReadable(error: unknown, context?: ErrorContext): RxjsKinesisError {
  if (error instanceof RxjsKinesisError) return withContext(error, context);

  const facts = readFacts(error);
  const code = facts.name ?? facts.code;
  const foreign = foreignStatus(error);
  const message =
    foreign !== undefined
      ? foreignMessage(foreign, facts.name, facts.message)
      : withConfigurationAdvice(
          code !== undefined && !facts.message.includes(code) ? `${code}: ${facts.message}` : facts.message,
          facts.name,
        );
  const options: KinesisErrorOptions = {
    cause: error,
    ...(context === undefined ? {} : { context }),
    ...(code === undefined ? {} : { code }),
    ...(facts.httpStatusCode === undefined ? {} : { httpStatusCode: facts.httpStatusCode }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  };
  const name = facts.name;
  const status = facts.httpStatusCode;

  if (name === 'AbortError' || facts.code === 'ABORT_ERR') return new AbortedError(message, options);
  if (isTimeout(facts)) return new RequestTimeoutError(message, options);
  if (name !== undefined) {
    if (THROTTLING_NAMES.has(name)) return new ThrottledError(message, options);
    if (name === 'ExpiredIteratorException') return new ExpiredIteratorError(message, options);
    if (name === 'ResourceNotFoundException') return new StreamNotFoundError(message, options);
    if (name === 'ResourceInUseException') return new StreamNotActiveError(message, options);
    if (ACCESS_NAMES.has(name)) {
      // After a clock-skew error the SDK corrects its clock, so the next attempt can succeed.
      return new AccessDeniedError(message, { ...options, retriable: facts.clockSkewCorrected });
    }
    if (VALIDATION_NAMES.has(name)) return new KinesisValidationError(message, options);
    if (SERVICE_NAMES.has(name)) return new KinesisServiceError(message, options);
  }
  if (status === 429 || facts.sdkThrottling) return new ThrottledError(message, options);
  if (status !== undefined && status >= 500) return new KinesisServiceError(message, options);
  if (isConnectionFailure(facts)) return new ConnectionError(message, options);
  if (facts.fault === 'server') return new KinesisServiceError(message, options);
  if (status === 401 || status === 403) return new AccessDeniedError(message, options);
  if (status !== undefined && status >= 400) return new KinesisValidationError(message, options);
  if (facts.fault === 'client') {
    return facts.sdkRetryable
      ? new KinesisRequestError(message, { ...options, retriable: true })
      : new KinesisValidationError(message, options);
  }
  return new KinesisRequestError(message, { ...options, retriable: facts.sdkRetryable });
}

/** Whether the call that threw `error` may succeed if made again later. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof RxjsKinesisError) return error.retriable;
  return classifyError(error).retriable;
}
