import type { IncomingMessage } from 'node:http';
import { CBOR_CONTENT_TYPE } from './cborExchange.js';
import { JSON_CONTENT_TYPE } from './UpstreamAnswer.js';

/**
 * The protocol a request body is in, from its Content-Type: the JSON protocol of the AWS SDKs
 * for JavaScript and Python and the AWS CLI, the CBOR protocol of the AWS SDK for Java, or
 * neither (passed on to the backing store as it is, to be refused in the AWS words).
 */
export function requestEncoding(req: IncomingMessage): 'json' | 'cbor' | undefined {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (contentType === CBOR_CONTENT_TYPE) return 'cbor';
  if (contentType === JSON_CONTENT_TYPE || contentType === 'application/x-amz-json-1.0') return 'json';
  return undefined;
}
