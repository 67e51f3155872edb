import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { plainKinesisClient } from '../../bench/plainKinesisClient.js';
import { readPutRecordsBody, type PutRecordsShape } from '../../bench/putRecordsBody.js';

/** What the stand-in read from a body before: JSON.parse and the base64 text's decoded length. */
function parsedShape(body: Buffer): PutRecordsShape {
  const parsed = JSON.parse(body.toString('utf8')) as {
    StreamName?: string;
    StreamARN?: string;
    Records: Array<{ Data: string; PartitionKey: string; ExplicitHashKey?: string }>;
  };
  return {
    streamName: parsed.StreamName,
    streamARN: parsed.StreamARN,
    entries: parsed.Records.map((entry) => ({
      dataBytes: Buffer.from(entry.Data, 'base64').length,
      partitionKey: entry.PartitionKey,
      explicitHashKey: entry.ExplicitHashKey,
    })),
  };
}

describe('readPutRecordsBody (benchmark stand-in)', () => {
  let server: Server;
  const bodies: Buffer[] = [];
  let endpoint = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end('{"FailedRecordCount":0,"Records":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The body the AWS SDK writes for these entries. */
  async function sdkBody(input: {
    StreamName?: string;
    StreamARN?: string;
    Records: PutRecordsRequestEntry[];
  }) {
    const client = plainKinesisClient(endpoint);
    try {
      bodies.length = 0;
      await client.send(new PutRecordsCommand(input));
      return bodies[0]!;
    } finally {
      client.destroy();
    }
  }

  it('reads what JSON.parse reads from the SDK bodies, for every data length modulo 3', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const records: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < 60; i += 1) {
      const length = i < 6 ? i : Math.floor(random() * (i % 3 === 0 ? 5000 : 300));
      records.push({
        Data: Buffer.from(Array.from({ length }, () => Math.floor(random() * 256))),
        PartitionKey: ['k', 'ключ-é', '🔑 key', `p${i}`][i % 4]!,
        ...(i % 5 === 0 ? { ExplicitHashKey: String(BigInt(i) * 12_345_678_901_234_567_890n) } : {}),
      });
    }
    for (const input of [
      { StreamName: 'plain', Records: records },
      { StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/by-arn', Records: records },
    ]) {
      const body = await sdkBody(input);
      const shape = readPutRecordsBody(body);
      expect(shape).toEqual(parsedShape(body));
    }
  });

  it('gives up on what it does not read, so the caller parses the body in full', () => {
    const unreadable = [
      // An escape in a key.
      '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"a\\"b"}]}',
      // Truncated.
      '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"a"}',
      // Trailing text.
      '{"StreamName":"s","Records":[]} x',
      // No Records, or Records not an array.
      '{"StreamName":"s"}',
      '{"StreamName":"s","Records":{}}',
      // An entry without a partition key, or with a number for one.
      '{"StreamName":"s","Records":[{"Data":"AA=="}]}',
      '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":1}]}',
      // A nested object where data should be.
      '{"StreamName":"s","Records":[{"Data":{"start":0,"end":4},"PartitionKey":"a"}]}',
      // Not an object at all.
      '[]',
      '',
    ];
    for (const text of unreadable) {
      expect([text, readPutRecordsBody(Buffer.from(text))]).toEqual([text, undefined]);
    }
  });

  it('reads spaced JSON and long data it keeps as bounds', () => {
    const data = Buffer.alloc(2000, 1).toString('base64');
    const body = Buffer.from(
      `{ "Records" : [ { "PartitionKey" : "a", "Data" : "${data}", "Extra": [1, true, null, {"x": -2.5e3}] } ],\n "StreamName": "s" }`,
    );
    expect(readPutRecordsBody(body)).toEqual({
      streamName: 's',
      streamARN: undefined,
      entries: [{ dataBytes: 2000, partitionKey: 'a', explicitHashKey: undefined }],
    });
  });
});
