import { PutRecordsCommand, ValidationException } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

/** How Kinesis prints each entry of the record list in a message. */
const ENTRY = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';
const MIB = 1024 * 1024;
/** 1 MiB + 1 byte of data, base64. */
const TOO_BIG = Buffer.alloc(MIB + 1).toString('base64');

const entriesShown = (count: number): string => `[${Array.from({ length: count }, () => ENTRY).join(', ')}]`;
const records = (count: number, entry: (index: number) => object = () => ({})): object[] =>
  Array.from({ length: count }, (_, index) => ({ Data: 'AA==', PartitionKey: `k${index}`, ...entry(index) }));

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** A signed-looking JSON request (the endpoint checks that a signature is there, not what it is). */
async function post(endpoint: string, operation: string, body: object): Promise<Answer> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `Kinesis_20131202.${operation}`,
      'X-Amz-Date': '20261201T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const validation = (message: string): Answer => ({
  status: 400,
  body: { __type: 'ValidationException', message },
});

/**
 * A PutRecords (or PutRecord) breaking several constraints of the API model at once is refused
 * with one ValidationException listing every broken constraint (at most 10), each value printed
 * as Kinesis prints it (as the backing store, kinesalite, words and orders them: see
 * writeRequestModel.test.ts): the same answer whether the limits layer is on, off, or only
 * injecting faults.
 */
describe('local Kinesis PutRecords/PutRecord model checks: one answer, limits on or off', () => {
  const servers: Array<{ readonly name: string; readonly local: LocalKinesis }> = [];

  beforeAll(async () => {
    for (const [name, options] of [
      ['limits on', { limits: true }],
      ['limits off', {}],
      ['faults only', { faults: { internalFailureRate: 0.5, seed: 7 } }],
    ] as const) {
      servers.push({ name, local: await startLocalKinesis({ ...options, streams: { s: 1 } }) });
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map(({ local }) => local.close()));
  });

  const cases: Array<[string, string, object, Answer]> = [
    [
      'PutRecords: 501 entries and an empty partition key',
      'PutRecords',
      { StreamName: 's', Records: records(501, (i) => (i === 2 ? { PartitionKey: '' } : {})) },
      validation(
        `2 validation errors detected: Value '${entriesShown(501)}' at 'records' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 500; ' +
          "Value '' at 'records.3.member.partitionKey' failed to satisfy constraint: " +
          'Member must have length greater than or equal to 1',
      ),
    ],
    [
      'PutRecords: 502 entries and one over 1 MiB of data',
      'PutRecords',
      { StreamName: 's', Records: records(502, (i) => (i === 4 ? { Data: TOO_BIG } : {})) },
      validation(
        `2 validation errors detected: Value '${entriesShown(502)}' at 'records' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 500; ' +
          "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.5.member.data' " +
          'failed to satisfy constraint: Member must have length less than or equal to 1048576',
      ),
    ],
    [
      'PutRecords: an entry with an empty key, too much data and a bad hash key, and a bad stream name',
      'PutRecords',
      {
        StreamName: 'no such/name',
        Records: [
          { Data: TOO_BIG, PartitionKey: '', ExplicitHashKey: 'x' },
          { Data: 'AA==', PartitionKey: 'a' },
        ],
      },
      validation(
        '4 validation errors detected: ' +
          "Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          "Value 'x' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
          "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576; " +
          "Value 'no such/name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      ),
    ],
    [
      'PutRecords: 501 entries without keys or data, no stream name (at most 10 listed)',
      'PutRecords',
      { Records: Array.from({ length: 501 }, () => ({})) },
      validation(
        `10 validation errors detected: Value '${entriesShown(501)}' at 'records' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 500; ' +
          [1, 2, 3, 4, 5]
            .flatMap((n) => [
              `Value null at 'records.${n}.member.partitionKey' failed to satisfy constraint: Member must not be null`,
              `Value null at 'records.${n}.member.data' failed to satisfy constraint: Member must not be null`,
            ])
            .slice(0, 9)
            .join('; '),
      ),
    ],
    [
      'PutRecords: no entries and an empty stream name',
      'PutRecords',
      { StreamName: '', Records: [] },
      validation(
        "3 validation errors detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
          "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    ],
    [
      'PutRecords: 501 entries, one of them not base64 (a SerializationException comes first)',
      'PutRecords',
      { StreamName: 's', Records: records(501, (i) => (i === 7 ? { Data: 'not base64!' } : {})) },
      {
        status: 400,
        body: {
          __type: 'SerializationException',
          Message:
            "'not base64!' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 11",
        },
      },
    ],
    [
      'PutRecord: over 1 MiB of data, an empty key and a bad SequenceNumberForOrdering',
      'PutRecord',
      { StreamName: 's', Data: TOO_BIG, PartitionKey: '', SequenceNumberForOrdering: 'x' },
      validation(
        '3 validation errors detected: ' +
          "Value 'x' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
          "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      ),
    ],
    [
      // kinesalite's own pattern check lets "01" by (and stores the record): AWS refuses it.
      'PutRecords: an ExplicitHashKey with a leading zero',
      'PutRecords',
      { StreamName: 's', Records: records(1, () => ({ ExplicitHashKey: '01' })) },
      validation(
        "1 validation error detected: Value '01' at 'records.1.member.explicitHashKey' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})',
      ),
    ],
    [
      'PutRecord: over 1 MiB of data alone',
      'PutRecord',
      { StreamName: 's', Data: TOO_BIG, PartitionKey: 'a' },
      validation(
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' " +
          'failed to satisfy constraint: Member must have length less than or equal to 1048576',
      ),
    ],
  ];

  it.each(cases)('%s', async (_name, operation, body, expected) => {
    for (const { name, local } of servers) {
      expect({ server: name, answer: await post(local.endpoint, operation, body) }).toEqual({
        server: name,
        answer: expected,
      });
    }
  });

  it('the SDK raises the same ValidationException, limits on or off', async () => {
    const messages: string[] = [];
    for (const { local } of servers) {
      const client = local.createClient();
      try {
        const error = await client
          .send(
            new PutRecordsCommand({
              StreamName: 's',
              Records: Array.from({ length: 501 }, (_, i) => ({
                Data: new Uint8Array(1),
                PartitionKey: i === 0 ? '' : 'k',
              })),
            }),
          )
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ValidationException);
        messages.push((error as Error).message);
      } finally {
        client.destroy();
      }
    }
    expect(messages[0]).toMatch(
      /^2 validation errors detected: .* at 'records' .*; Value '' at 'records\.1\.member\.partitionKey' /,
    );
    expect(new Set(messages).size).toBe(1);
  });
});

describe('local Kinesis PutRecords model check with lower limits', () => {
  it('lists the broken limits, worded with their values, with the other broken constraints', async () => {
    const local = await startLocalKinesis({
      limits: { maxRecordsPerRequest: 4, maxRecordBytes: 1000 },
      streams: { s: 1 },
    });
    try {
      const big = Buffer.alloc(1001).toString('base64');
      const answer = await post(local.endpoint, 'PutRecords', {
        StreamName: 's',
        Records: records(5, (i) => (i === 1 ? { Data: big } : i === 3 ? { PartitionKey: '' } : {})),
      });
      expect(answer).toEqual(
        validation(
          `3 validation errors detected: Value '${entriesShown(5)}' at 'records' failed to satisfy constraint: ` +
            'Member must have length less than or equal to 4; ' +
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=1001 cap=1001]' at 'records.2.member.data' failed to satisfy constraint: " +
            'Member must have length less than or equal to 1000; ' +
            "Value '' at 'records.4.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
      );
      expect(local.stats.rejectedRequests).toBe(1);
      // Breaking no limit (an empty key only) is not counted as a request over the limits.
      const keyOnly = await post(local.endpoint, 'PutRecords', {
        StreamName: 's',
        Records: records(2, (i) => (i === 1 ? { PartitionKey: '' } : {})),
      });
      expect(keyOnly.status).toBe(400);
      expect(local.stats.rejectedRequests).toBe(1);
    } finally {
      await local.close();
    }
  });
});
