import { cbor, tag } from '@smithy/core/cbor';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { request } from 'node:http';
import { connect as http2Connect } from 'node:http2';

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

/** A message of an event stream, its payload decoded from CBOR. */
export interface CborEventMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/**
 * Calls SubscribeToShard in CBOR and collects the event stream's messages until `enough` says
 * so (or `limitMs` passes); the connection is then closed.
 */
export function subscribeCbor(
  endpoint: string,
  body: Record<string, unknown>,
  enough: (messages: readonly CborEventMessage[]) => boolean,
  limitMs = 20_000,
): Promise<{ status: number; messages: CborEventMessage[] }> {
  const codec = new EventStreamCodec(
    (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    (text) => Buffer.from(text, 'utf8'),
  );
  return new Promise((resolve, reject) => {
    const messages: CborEventMessage[] = [];
    const req = request(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-cbor-1.1',
        'X-Amz-Target': 'Kinesis_20131202.SubscribeToShard',
        ...SIGNED_HEADERS,
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SubscribeToShard: ${messages.length} messages in ${limitMs} ms, not enough`));
    }, limitMs);
    req.on('response', (res) => {
      let pending = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
          const length = pending.readUInt32BE(0);
          const decoded = codec.decode(pending.subarray(0, length));
          pending = pending.subarray(length);
          const headers: Record<string, string> = {};
          for (const [name, header] of Object.entries(decoded.headers)) headers[name] = String(header.value);
          messages.push({
            headers,
            body:
              decoded.body.length === 0 ? {} : (cbor.deserialize(decoded.body) as Record<string, unknown>),
          });
        }
        if (enough(messages)) {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, messages });
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, messages });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(Buffer.from(cbor.serialize(body)));
  });
}

/** Like postCbor, over a cleartext HTTP/2 connection (as the AWS SDK for Java 2.x async client talks). */
export function postCborHttp2(
  endpoint: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<CborAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(endpoint);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/',
      'content-type': 'application/x-amz-cbor-1.1',
      'x-amz-target': `Kinesis_20131202.${operation}`,
      'x-amz-date': SIGNED_HEADERS['X-Amz-Date']!,
      authorization: SIGNED_HEADERS.Authorization!,
    });
    stream.setTimeout(30_000, () => stream.close());
    const chunks: Buffer[] = [];
    let status = 0;
    let contentType = '';
    let errorType: string | undefined;
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      contentType = String(headers['content-type'] ?? '');
      const type = headers['x-amzn-errortype'];
      errorType = typeof type === 'string' ? type : undefined;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      const raw = Buffer.concat(chunks);
      resolve({
        status,
        contentType,
        errorType,
        body: raw.length === 0 ? {} : (cbor.deserialize(raw) as Record<string, unknown>),
      });
    });
    stream.on('error', reject);
    stream.end(Buffer.from(cbor.serialize(body)));
  });
}
