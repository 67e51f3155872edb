import {
  MODEL_WRITE_LIMITS,
  putRecordModelCheck,
  putRecordsModelCheck,
} from '../../src/local/writeRequestModel.js';

const entry = (fields: object = {}): object => ({ Data: 'AA==', PartitionKey: 'k', ...fields });

describe('writeRequestModel: the API model check of PutRecords and PutRecord', () => {
  it('passes a request that keeps to the model', () => {
    expect(
      putRecordsModelCheck({ StreamName: 's', Records: [entry(), entry()] }, MODEL_WRITE_LIMITS),
    ).toEqual({
      outcome: 'passed',
    });
    expect(
      putRecordModelCheck({ StreamName: 's', ...entry({ ExplicitHashKey: '0' }) }, MODEL_WRITE_LIMITS),
    ).toEqual({ outcome: 'passed' });
  });

  it.each([
    ['Records not a list', { StreamName: 's', Records: 'x' }],
    ['an entry not a structure', { StreamName: 's', Records: [entry(), null] }],
    ['a partition key not a string', { StreamName: 's', Records: [entry({ PartitionKey: 1 })] }],
    ['data not base64', { StreamName: 's', Records: [entry({ Data: 'AAA' })] }],
    ['data not canonical base64', { StreamName: 's', Records: [entry({ Data: 'AB==' })] }],
    ['a stream name not a string', { StreamName: ['s'], Records: [entry()] }],
  ])('leaves a member of the wrong type to the backing store (%s)', (_name, payload) => {
    expect(putRecordsModelCheck(payload, MODEL_WRITE_LIMITS)).toEqual({ outcome: 'unchecked' });
  });

  it('tells whether a limit (entries or data size) is among the broken constraints', () => {
    const limits = { maxRecordsPerRequest: 2, maxRecordBytes: 1 };
    const overCount = putRecordsModelCheck({ StreamName: 's', Records: [entry(), entry(), entry()] }, limits);
    const overData = putRecordsModelCheck({ StreamName: 's', Records: [entry({ Data: 'AAA=' })] }, limits);
    const keyOnly = putRecordsModelCheck({ StreamName: 's', Records: [entry({ PartitionKey: '' })] }, limits);
    expect(
      [overCount, overData, keyOnly].map((check) => check.outcome === 'refused' && check.overLimit),
    ).toEqual([true, true, false]);
  });

  it('lists at most 10 broken constraints, and counts those it lists', () => {
    const check = putRecordModelCheck(
      { StreamName: '', Data: 'AAA=', PartitionKey: '' },
      { ...MODEL_WRITE_LIMITS, maxRecordBytes: 1 },
    );
    expect(check).toMatchObject({ outcome: 'refused', overLimit: true });
    const message = (check as { refusal: { message: string } }).refusal.message;
    expect(message).toMatch(/^4 validation errors detected: /);
    expect(message.split('; ')).toHaveLength(4);

    const many = putRecordsModelCheck(
      { Records: Array.from({ length: 20 }, () => ({})) },
      MODEL_WRITE_LIMITS,
    );
    const listed = (many as { refusal: { message: string } }).refusal.message;
    expect(listed).toMatch(/^10 validation errors detected: /);
    expect(listed.split('; ')).toHaveLength(10);
  });
});
