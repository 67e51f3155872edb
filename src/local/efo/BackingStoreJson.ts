import { Agent, request as httpRequest } from 'node:http';
import { parseJsonObject, type JsonObject } from '../UpstreamAnswer.js';

const CALL_TIMEOUT_MS = 60_000;

/** An answer of the backing store: its HTTP status and JSON body (`{}` when it sent none). */
export interface BackingStoreAnswer {
  readonly status: number;
  readonly body: JsonObject;
}

/**
 * Calls the backing store (kinesalite) with raw Kinesis JSON, so that records pass through as
 * the store wrote them (base64 Data, sequence numbers, ApproximateArrivalTimestamp in epoch
 * seconds) without a decode and re-encode. Bypasses the front: no limits, no faults.
 */
export class BackingStoreJson {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly upstream: { readonly host: string; readonly port: number },
    private readonly region: string,
  ) {}

  call(operation: string, payload: JsonObject): Promise<BackingStoreAnswer> {
    const body = Buffer.from(JSON.stringify(payload));
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.upstream.host,
          port: this.upstream.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': body.length,
            'x-amz-target': `Kinesis_20131202.${operation}`,
            'x-amz-date': date,
            // The store checks that a signature is there, not what it signs.
            authorization:
              `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/${this.region}/kinesis/aws4_request, ` +
              'SignedHeaders=host;x-amz-date, Signature=0',
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({ status: answer.statusCode ?? 500, body: parseJsonObject(Buffer.concat(chunks)) ?? {} }),
          );
          answer.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(CALL_TIMEOUT_MS, () =>
        req.destroy(new Error(`the backing store did not answer within ${CALL_TIMEOUT_MS} ms`)),
      );
      req.end(body);
    });
  }

  /** Drops the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
