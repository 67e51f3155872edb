const RETRIABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);

/** Network failures: the request got no complete answer (as the Kinesis calls count them). */
const RETRIABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The SDK's retry layer wraps what it catches that is not an `Error` of its own realm, e.g. a
 * socket error of Node's http module when the SDK runs in a vm context (a jest test, some
 * sandboxes), into `new Error('AWS SDK error wrapper for <String(error)>')`: name and code are
 * then only in the message.
 */
const SDK_WRAPPER = /^AWS SDK error wrapper for ([A-Za-z]+)\b(.*)$/s;

/**
 * Throttling, 5xx answers, unreadable answers, timeouts and lost connections: the same request
 * may succeed later.
 */
export function isRetriableDynamoDBError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, $metadata } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (typeof name === 'string' && RETRIABLE_NAMES.has(name)) return true;
  if (typeof code === 'string' && RETRIABLE_CODES.has(code)) return true;
  const wrapped = typeof message === 'string' ? SDK_WRAPPER.exec(message) : null;
  if (wrapped !== null) {
    const [, wrappedName = '', rest = ''] = wrapped;
    if (RETRIABLE_NAMES.has(wrappedName)) return true;
    if (rest.split(/\W+/).some((word) => RETRIABLE_CODES.has(word))) return true;
  }
  const status = $metadata?.httpStatusCode;
  if (typeof status !== 'number') return false;
  // A 2xx answer the SDK could not read (a body cut short or not JSON, e.g. a proxy's page): the
  // request may have been applied and its answer is lost, as with a dropped connection.
  return status >= 500 || (status >= 200 && status < 300);
}
