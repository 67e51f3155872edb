// The library's PutRecords body and answer reader against the SDK's own serializer and
// deserializer, side by side, through a local HTTP server that records each request and answers
// what a test tells it to.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import type { PutRecordsEntry } from '../../src/kinesis/putRecordsBody.js';
import { putRecordsWireUsable, sendPutRecords } from '../../src/kinesis/putRecordsWire.js';
import type { StreamParams } from '../../src/kinesis/streamAddress.js';

jest.setTimeout(30_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/wire-test';

interface Recorded {
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Whether a request's SigV4 signature is right for its bytes as received (method POST, path /,
 * no query): the canonical request from the signed headers and the SHA-256 of the body, signed
 * with the test secret.
 */
function signatureValid(request: Recorded): boolean {
  const authorization = String(request.headers.authorization);
  const match =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
      authorization,
    );
  if (match === null) return false;
  const [, scope, signedHeaders, signature] = match as unknown as [string, string, string, string];
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(request.body)].join(
    '\n',
  );
  const amzDate = String(request.headers['x-amz-date']);
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`);
  for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex') === signature;
}

/**
 * How the server answers: status and body; or a 200 and part of the body, then silence
 * (`stall`) or a dropped connection (`cut`).
 */
type Answer = { readonly status: number; readonly body: string } | 'stall' | 'cut';

class RecordingServer {
  readonly requests: Recorded[] = [];
  answer: Answer = { status: 200, body: '{"FailedRecordCount":0,"Records":[]}' };
  /** Answers for the next requests, in order, before `answer`. */
  readonly next: Answer[] = [];
  private readonly server: Server;
  private readonly stalled: ServerResponse[] = [];
  endpoint = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({ body: Buffer.concat(chunks), headers: req.headers });
        const answer = this.next.shift() ?? this.answer;
        if (answer === 'stall' || answer === 'cut') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '1000' });
          res.write('{"FailedRecordCount":0,', () => {
            if (answer === 'cut') res.destroy();
          });
          this.stalled.push(res);
          return;
        }
        res.writeHead(answer.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': 'request-1',
        });
        res.end(answer.body);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A client as the library builds it, and the same client kept on the SDK's own serde. */
function clientPair(
  endpoint: string,
  requestTimeout?: number,
): { wire: KinesisClient; plain: KinesisClient } {
  const options = {
    endpoint,
    region: 'us-east-1',
    credentials,
    ...(requestTimeout === undefined ? {} : { requestTimeout }),
  };
  const wire = createKinesisClient(options);
  const plain = createKinesisClient(options);
  // Any middleware added after the client was built keeps it on the SDK's path.
  plain.middlewareStack.add((next) => (args) => next(args), { step: 'initialize', name: 'testPassThrough' });
  return { wire, plain };
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const allByteValues = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Entries with every kind of data and key the body must carry exactly. */
const VARIED: PutRecordsEntry[] = [
  { data: new TextEncoder().encode('{"id":1}'), partitionKey: 'plain-key' },
  { data: allByteValues, partitionKey: 'bytes' },
  { data: new Uint8Array(0), partitionKey: 'empty data' },
  { data: bytes(1), partitionKey: 'one byte' },
  { data: bytes(1, 2), partitionKey: 'two bytes' },
  { data: bytes(0xff, 0xfe, 0xfd), partitionKey: 'three bytes' },
  { data: new Uint8Array(allByteValues.buffer, 7, 100), partitionKey: 'a view into a larger buffer' },
  { data: bytes(7), partitionKey: 'quote " and backslash \\' },
  { data: bytes(8), partitionKey: 'controls \n\r\t\b\f \u0000 \u0001 \u001f and DEL \u007f' },
  { data: bytes(9), partitionKey: 'unicode é ü 中文 😀' },
  { data: bytes(10), partitionKey: '😀'.repeat(128) },
  { data: bytes(10), partitionKey: 'lone surrogates \ud800 x \udc00 \ud83d' },
  { data: bytes(11), partitionKey: 'k', explicitHashKey: '0' },
  { data: bytes(12), partitionKey: 'k', explicitHashKey: '340282366920938463463374607431768211455' },
  { data: bytes(13), partitionKey: 'hash key not plain', explicitHashKey: '12"3' },
  { data: new Uint8Array(3000).fill(0xab), partitionKey: 'long data' },
];

describe('PutRecords through the library wire, next to the SDK serde (local HTTP server)', () => {
  const server = new RecordingServer();
  beforeAll(() => server.start());
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  async function bodiesOf(
    stream: StreamParams,
    entries: readonly PutRecordsEntry[],
  ): Promise<{ wire: Recorded; plain: Recorded }> {
    const { wire, plain } = clientPair(server.endpoint);
    expect(putRecordsWireUsable(wire)).toBe(true);
    expect(putRecordsWireUsable(plain)).toBe(false);
    await sendPutRecords(wire, stream, entries);
    await sendPutRecords(plain, stream, entries);
    wire.destroy();
    plain.destroy();
    expect(server.requests).toHaveLength(2);
    return { wire: server.requests[0]!, plain: server.requests[1]! };
  }

  it.each<[string, StreamParams]>([
    ['StreamName', { StreamName: 'wire-test' }],
    ['StreamName and StreamARN', { StreamName: 'wire-test', StreamARN: ARN }],
    ['StreamARN alone', { StreamARN: ARN }],
  ])('sends the body the SDK sends, byte for byte, with %s', async (_, stream) => {
    const { wire, plain } = await bodiesOf(stream, VARIED);
    expect(JSON.parse(wire.body.toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(wire.body.toString('latin1')).toBe(plain.body.toString('latin1'));
    // What the server decodes is what was given (a lone surrogate too: both send it escaped).
    const sent = JSON.parse(wire.body.toString('utf8')) as {
      Records: { Data: string; PartitionKey: string; ExplicitHashKey?: string }[];
    };
    expect(
      sent.Records.map((entry) => ({
        data: Buffer.from(entry.Data, 'base64'),
        partitionKey: entry.PartitionKey,
        explicitHashKey: entry.ExplicitHashKey,
      })),
    ).toEqual(
      VARIED.map((entry) => ({
        data: Buffer.from(entry.data),
        partitionKey: entry.partitionKey,
        explicitHashKey: entry.explicitHashKey,
      })),
    );
    for (const name of ['content-type', 'x-amz-target', 'host']) {
      expect(wire.headers[name]).toBe(plain.headers[name]);
    }
    expect(wire.headers['content-length']).toBe(String(wire.body.length));
    // The signature covers the bytes sent (checked on the SDK's request too, to prove the check).
    expect(signatureValid(plain)).toBe(true);
    expect(signatureValid(wire)).toBe(true);
    expect(signatureValid({ ...wire, body: Buffer.concat([wire.body, Buffer.from(' ')]) })).toBe(false);
  });

  it('sends the same bytes for a full request of 500 entries of random binary data', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const entries: PutRecordsEntry[] = Array.from({ length: 500 }, (_, i) => ({
      data: Uint8Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)),
      partitionKey: `key-${i}-${random().toString(36)}`,
      ...(i % 7 === 0 ? { explicitHashKey: String(i * 1_000_003) } : {}),
    }));
    const { wire, plain } = await bodiesOf({ StreamName: 'wire-test' }, entries);
    expect(wire.body.equals(plain.body)).toBe(true);
  });

  describe('answers', () => {
    const entries = VARIED.slice(0, 3);

    async function outcomes(answer: Answer, requestTimeout?: number) {
      server.answer = answer;
      const { wire, plain } = clientPair(server.endpoint, requestTimeout);
      const settle = (client: KinesisClient) =>
        sendPutRecords(client, { StreamName: 'wire-test' }, entries).then(
          (output: PutRecordsCommandOutput) => {
            const { $metadata, ...rest } = output;
            return { output: rest, status: $metadata.httpStatusCode, requestId: $metadata.requestId };
          },
          (error: unknown) => {
            const classified = classifyError(error, { streamName: 'wire-test' });
            return {
              error: (error as Error).name,
              classified: classified.constructor.name,
              retriable: classified.retriable,
              status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
            };
          },
        );
      try {
        return { wire: await settle(wire), plain: await settle(plain) };
      } finally {
        wire.destroy();
        plain.destroy();
      }
    }

    it('reads a 200 answer entry by entry as the SDK reads it', async () => {
      const body = JSON.stringify({
        FailedRecordCount: 2,
        EncryptionType: 'KMS',
        SomethingNew: { nested: [1, 2] },
        Records: [
          {
            SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
            ShardId: 'shardId-000000000001',
          },
          {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage:
              'Rate exceeded for shard shardId-000000000001 in stream wire-test under account 123456789012.',
          },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure. é 😀 "quoted"' },
        ],
      });
      const { wire, plain } = await outcomes({ status: 200, body });
      expect(wire).toEqual(plain);
      expect(wire).toMatchObject({
        status: 200,
        requestId: 'request-1',
        output: { FailedRecordCount: 2, EncryptionType: 'KMS' },
      });
      expect('output' in wire && wire.output.Records).toHaveLength(3);
    });

    it.each([
      ['not JSON', 'this is not JSON'],
      ['Records not an array', '{"FailedRecordCount":0,"Records":"none"}'],
      ['a result entry that is not an object', '{"FailedRecordCount":0,"Records":[1]}'],
      [
        'a result field of another type',
        '{"FailedRecordCount":0,"Records":[{"SequenceNumber":1,"ShardId":"s"}]}',
      ],
      ['FailedRecordCount of another type', '{"FailedRecordCount":"0","Records":[]}'],
      ['no Records', '{"FailedRecordCount":0}'],
      ['an empty body', ''],
      ['null', 'null'],
    ])('leaves a 200 answer with %s to the SDK, which reads it as before', async (_, body) => {
      const { wire, plain } = await outcomes({ status: 200, body });
      expect(wire).toEqual(plain);
    });

    it.each([
      [
        'stream not found',
        400,
        '{"__type":"ResourceNotFoundException","message":"Stream wire-test not found"}',
      ],
      ['validation', 400, '{"__type":"ValidationException","message":"1 validation error detected"}'],
      ['throttled', 400, '{"__type":"LimitExceededException","message":"Rate exceeded"}'],
      ['internal failure', 500, '{"__type":"InternalFailure"}'],
      ['unavailable', 503, ''],
    ])('leaves a %s answer (HTTP %i) to the SDK', async (_, status, body) => {
      const { wire, plain } = await outcomes({ status, body });
      expect(wire).toEqual(plain);
      expect(wire).toMatchObject({ status });
    });

    it('fails a 200 answer whose body stops arriving within the requestTimeout as the SDK does', async () => {
      const { wire, plain } = await outcomes('stall', 500);
      expect(wire).toEqual(plain);
      expect(wire).toMatchObject({ retriable: true });
    });

    it('fails a 200 answer whose connection drops mid-body as the SDK does', async () => {
      const { wire, plain } = await outcomes('cut');
      expect(wire).toEqual(plain);
      expect(wire).toMatchObject({ error: expect.any(String), retriable: true });
    });

    it('sends the same body again when the SDK retries a request cut mid-answer, and reads the answer of the attempt that got one', async () => {
      const good = JSON.stringify({
        FailedRecordCount: 1,
        Records: [
          { SequenceNumber: '100', ShardId: 'shardId-000000000000' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
          { SequenceNumber: '102', ShardId: 'shardId-000000000001' },
        ],
      });
      const options = { endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 3 };
      const wire = createKinesisClient(options);
      const plain = createKinesisClient(options);
      plain.middlewareStack.add((next) => (args) => next(args), {
        step: 'initialize',
        name: 'testPassThrough',
      });
      const outputs: PutRecordsCommandOutput[] = [];
      for (const client of [wire, plain]) {
        server.next.push('cut', { status: 200, body: good });
        outputs.push(await sendPutRecords(client, { StreamName: 'wire-test' }, entries));
        client.destroy();
      }
      const [fromWire, fromPlain] = outputs as [PutRecordsCommandOutput, PutRecordsCommandOutput];
      expect(server.requests).toHaveLength(4);
      expect(server.requests[1]!.body.equals(server.requests[0]!.body)).toBe(true);
      expect(server.requests[0]!.body.equals(server.requests[2]!.body)).toBe(true);
      expect(fromWire.$metadata.attempts).toBe(2);
      expect(fromWire.Records).toEqual(fromPlain.Records);
      expect(fromWire.Records).toEqual(JSON.parse(good).Records);
      expect(fromWire.FailedRecordCount).toBe(1);
    });
  });
});
