import { cbor, tag } from '@smithy/core/cbor';
import { cborAnswer, cborBytes, jsonOfCborRequest } from '../../src/local/cborExchange.js';
import { errorAnswer, jsonAnswer } from '../../src/local/UpstreamAnswer.js';

const encode = (value: unknown) => Buffer.from(cbor.serialize(value));

describe('the Kinesis CBOR protocol translated to and from JSON', () => {
  it('reads byte strings as base64 and tag-1 timestamps (epoch milliseconds) as epoch seconds', () => {
    const request = encode({
      StreamName: 's',
      Records: [{ Data: Buffer.from([0, 1, 255]), PartitionKey: 'k' }],
      Timestamp: tag({ tag: 1, value: 1_787_036_486_712 }),
      Limit: 10,
      ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: tag({ tag: 1, value: 1_000 }) },
    });
    expect(jsonOfCborRequest(request)).toEqual({
      StreamName: 's',
      Records: [{ Data: 'AAH/', PartitionKey: 'k' }],
      Timestamp: 1_787_036_486.712,
      Limit: 10,
      ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: 1 },
    });
  });

  it('takes nothing but a CBOR map as a request', () => {
    expect(jsonOfCborRequest(Buffer.from([0xff, 0x00]))).toBeUndefined();
    expect(jsonOfCborRequest(encode([1, 2]))).toBeUndefined();
    expect(jsonOfCborRequest(encode('text'))).toBeUndefined();
  });

  it('answers records with Data as bytes and timestamps as tag 1 holding whole epoch milliseconds', () => {
    const answer = cborAnswer(
      jsonAnswer(200, {
        Records: [{ Data: 'AAH/', ApproximateArrivalTimestamp: 1_787_036_486.7125, SequenceNumber: '49' }],
        MillisBehindLatest: 0,
      }),
    );
    expect(answer.headers['content-type']).toBe('application/x-amz-cbor-1.1');
    const decoded = cbor.deserialize(answer.body) as { Records: Array<Record<string, unknown>> };
    expect(Buffer.from(decoded.Records[0]!.Data as Uint8Array)).toEqual(Buffer.from([0, 1, 255]));
    expect(decoded.Records[0]!.ApproximateArrivalTimestamp).toMatchObject({
      tag: 1,
      value: 1_787_036_486_713,
    });
    expect(decoded.Records[0]!.SequenceNumber).toBe('49');
  });

  it('answers errors in CBOR with their type header kept', () => {
    const answer = cborAnswer(
      errorAnswer({ status: 400, type: 'LimitExceededException', message: 'Rate exceeded' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('LimitExceededException');
    expect(cbor.deserialize(answer.body)).toEqual({
      __type: 'LimitExceededException',
      message: 'Rate exceeded',
    });
  });

  it('keeps an answer that is not JSON, and an empty one empty', () => {
    const xml = { status: 403, headers: { 'content-type': 'text/xml' }, body: Buffer.from('<Error/>') };
    expect(cborAnswer(xml)).toBe(xml);
    const empty = cborAnswer({ ...jsonAnswer(200, {}), body: Buffer.alloc(0) });
    expect(empty.body.length).toBe(0);
    expect(empty.headers['content-type']).toBe('application/x-amz-cbor-1.1');
  });

  it('encodes an event payload as an answer is encoded', () => {
    expect(cbor.deserialize(cborBytes({ Records: [{ Data: 'AQ==' }] }))).toEqual({
      Records: [{ Data: Buffer.from([1]) }],
    });
  });
});
