import { foreignStatus } from '../kinesis/foreignStatus.js';

/**
 * What the command line says of an HTTP answer that did not come from Kinesis (see
 * foreignStatus), or undefined when `error` is no such answer. The body is not quoted.
 */
export function foreignAnswer(error: unknown): string | undefined {
  const status = foreignStatus(error);
  return status === undefined
    ? undefined
    : `it answered HTTP ${status}, not as Kinesis answers (is it a Kinesis endpoint?)`;
}
