import { redactText } from '../errors/redact.js';

/** The most characters of a foreign JSON body's message quoted in the error's. */
const QUOTED_CHARS = 200;

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

/**
 * What to say of an answer that did not come from Kinesis (see foreignStatus): its status, and the
 * message of a JSON body that had one, its secrets hidden and cut to its first 200 characters (a
 * page's worth of text quoted whole said nothing more); the SDK's text for a body that is not JSON
 * (an HTML page) only says so at length.
 */
export function foreignMessage(status: number, name: string | undefined, message: string): string {
  let said = '';
  if (name === 'Unknown' && message !== 'UnknownError' && message !== '') {
    const characters = Array.from(redactText(message));
    const cut = characters.length > QUOTED_CHARS;
    said = ` with the message "${characters.slice(0, QUOTED_CHARS).join('')}${cut ? '…' : ''}"`;
  }
  return `the endpoint answered HTTP ${status}${said}, not as Kinesis answers (is it a Kinesis endpoint?)`;
}
