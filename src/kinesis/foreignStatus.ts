/**
 * The HTTP status of a failed answer that did not come from Kinesis, or undefined when `error` is
 * no such answer. Kinesis names the error of almost every failed call (`__type` or
 * `x-amzn-errortype`): an answer without one (the SDK's `Unknown`), or with a body that is not
 * JSON (a `SyntaxError` from the SDK's deserializer, with the body in its message), came from
 * something else at that address (a web server, a proxy's error page), unless it carries a
 * request id (`x-amzn-RequestId`): Kinesis's front end answers some 5xx so (a 503 whose body is
 * `<ServiceUnavailableException/>`), and that is Kinesis unavailable, to be retried as such.
 */
export function foreignStatus(error: unknown): number | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    const { name, $metadata } = error as {
      name?: unknown;
      $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
    };
    const status = $metadata?.httpStatusCode;
    if (typeof status !== 'number') return undefined;
    if (name !== 'Unknown' && name !== 'UnknownError' && name !== 'SyntaxError') return undefined;
    const requestId = $metadata?.requestId;
    if (typeof requestId === 'string' && requestId !== '') return undefined;
    return status;
  } catch {
    return undefined;
  }
}
