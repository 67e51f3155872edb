import type { IncomingMessage } from 'node:http';

/** The Kinesis operation a request calls (from X-Amz-Target, e.g. `Kinesis_20131202.PutRecords`). */
export function operationOf(req: IncomingMessage): string {
  return String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
}
