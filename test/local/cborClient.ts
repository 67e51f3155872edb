import { cbor, tag } from '@smithy/core/cbor';
import { request } from 'node:http';

/** An answer of the local endpoint to a CBOR request, decoded. */
export interface CborAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly errorType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** Headers of a signed request (signatures are not checked locally; their parts are). */
export const SIGNED_HEADERS: Readonly<Record<string, string>> = {
  'X-Amz-Date': '20261201T000000Z',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
};

/** A timestamp as the AWS SDK for Java writes it in CBOR: tag 1 holding epoch milliseconds. */
export function cborTimestamp(epochMs: number): unknown {
  return tag({ tag: 1, value: epochMs });
}

/**
 * Sends `body` CBOR-encoded, with the headers the AWS SDK for Java sends (Content-Type
 * application/x-amz-cbor-1.1 and X-Amz-Target), as the Java SDK and the KCL talk to Kinesis.
 */
export function postCbor(
  endpoint: string,
  operation: string,
  body: Record<string, unknown>,
  headers: Readonly<Record<string, string>> = SIGNED_HEADERS,
): Promise<CborAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-cbor-1.1',
          'X-Amz-Target': `Kinesis_20131202.${operation}`,
          ...headers,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const errorType = res.headers['x-amzn-errortype'];
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            errorType: typeof errorType === 'string' ? errorType : undefined,
            body: raw.length === 0 ? {} : (cbor.deserialize(raw) as Record<string, unknown>),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${operation} within 30 s`)));
    req.on('error', reject);
    req.end(Buffer.from(cbor.serialize(body)));
  });
}
