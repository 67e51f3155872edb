/** Set on an error raised before its request was written: Kinesis cannot have acted on it. */
const NOT_SENT = Symbol('rxjs-kinesis.requestNotSent');

/** Marks `error` as raised before its request was sent (a credentials deadline, for one). */
export function markedNotSent<E extends object>(error: E): E {
  return Object.assign(error, { [NOT_SENT]: true });
}

/**
 * True when `thrown` (or the error it wraps) was raised before its request was sent, so its call
 * cannot have stored anything: what it carried is no possible duplicate when sent again.
 */
export function wasNotSent(thrown: unknown): boolean {
  let error = thrown;
  for (let depth = 0; depth < 2 && typeof error === 'object' && error !== null; depth += 1) {
    try {
      if ((error as { [NOT_SENT]?: unknown })[NOT_SENT] === true) return true;
      // Node's HTTP/2 request cancelled while it waited for its session to connect.
      if ((error as { code?: unknown }).code === 'ERR_HTTP2_STREAM_CANCEL') return true;
      error = (error as { cause?: unknown }).cause;
    } catch {
      // A value whose fields cannot be read (see classifyError): no sign it was not sent.
      return false;
    }
  }
  return false;
}

/**
 * Node codes of a connection that was never made: no address for the host (ENOTFOUND, EAI_AGAIN)
 * or the connection refused (ECONNREFUSED, which TCP only answers to a connection being opened).
 * A request that failed with one of these was not written anywhere.
 */
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when `code` (a classified error's) says the connection was never made. */
export function neverConnected(code: string | undefined): boolean {
  return code !== undefined && NEVER_CONNECTED_CODES.has(code);
}
