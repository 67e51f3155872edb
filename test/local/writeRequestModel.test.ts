import { createRequire } from 'node:module';
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

/** kinesalite's own request checks: the backing store's answer when the front lets a request by. */
interface KinesaliteValidations {
  checkTypes(data: object, types: object): object;
  checkValidations(data: object, types: object): void;
}
const load = createRequire(__filename);
const kinesalite = load('kinesalite/validations') as KinesaliteValidations;
const kinesaliteTypes = {
  PutRecords: (load('kinesalite/validations/putRecords') as { types: object }).types,
  PutRecord: (load('kinesalite/validations/putRecord') as { types: object }).types,
};

/** What kinesalite answers a request with: passed, or the error's type and message. */
function kinesaliteAnswer(operation: 'PutRecords' | 'PutRecord', payload: object): string {
  const types = kinesaliteTypes[operation];
  try {
    const data = kinesalite.checkTypes(JSON.parse(JSON.stringify(payload)) as object, types);
    kinesalite.checkValidations(data, types);
    return 'passed';
  } catch (error) {
    const body = (error as { body?: { __type: string; message?: string; Message?: string } }).body;
    if (body === undefined) throw error;
    return body.__type === 'SerializationException' ? 'unchecked' : `${body.__type}: ${body.message}`;
  }
}

function frontAnswer(operation: 'PutRecords' | 'PutRecord', payload: object): string {
  const check =
    operation === 'PutRecords'
      ? putRecordsModelCheck(payload as Record<string, unknown>, MODEL_WRITE_LIMITS)
      : putRecordModelCheck(payload as Record<string, unknown>, MODEL_WRITE_LIMITS);
  return check.outcome === 'refused' ? `${check.refusal.type}: ${check.refusal.message}` : check.outcome;
}

describe('writeRequestModel answers as the backing store (kinesalite) checks', () => {
  const big = Buffer.alloc(1_048_577).toString('base64');
  // Hash keys and ordering numbers that kinesalite's pattern check (not anchored at both ends)
  // wrongly lets by, such as '01', are left out: the front refuses them, as AWS does.
  const keys: unknown[] = [undefined, null, '', 'k', 'x'.repeat(257), 7];
  const hashKeys: unknown[] = [undefined, '', 'x', '0', '123', '-'];
  // Data over 1 MiB comes in the requests of its own below (copies of it would make this slow).
  const data: unknown[] = [undefined, null, 'AA==', '', 'A', true];
  const names: unknown[] = [undefined, '', 's', 'bad name', 'n'.repeat(129)];

  it('for PutRecords requests breaking any mix of constraints', () => {
    const requests: object[] = [];
    for (const count of [0, 1, 3, 501]) {
      for (const name of names) {
        for (let variant = 0; variant < keys.length * hashKeys.length; variant += 5) {
          const records = Array.from({ length: count }, (_, i) => ({
            PartitionKey: keys[(variant + i) % keys.length],
            ExplicitHashKey: hashKeys[(variant + 2 * i) % hashKeys.length],
            Data: data[(variant + 3 * i) % data.length],
          }));
          requests.push({ StreamName: name, Records: records });
        }
      }
    }
    requests.push(
      { StreamName: 's' },
      { Records: null },
      {},
      {
        StreamName: 's',
        Records: [
          { PartitionKey: '', Data: big },
          { PartitionKey: 'k', Data: big },
        ],
      },
      { StreamName: '', Records: Array.from({ length: 501 }, (_, i) => (i === 3 ? { Data: big } : {})) },
    );
    const differing = requests.filter(
      (request) => frontAnswer('PutRecords', request) !== kinesaliteAnswer('PutRecords', request),
    );
    expect(differing).toEqual([]);
    // The mix above refuses most requests, in many ways, and passes some.
    const answers = new Set(requests.map((request) => frontAnswer('PutRecords', request)));
    expect(answers.size).toBeGreaterThan(20);
    expect(answers.has('passed')).toBe(true);
  });

  it('for PutRecord requests breaking any mix of constraints', () => {
    const requests: object[] = [];
    for (const ordering of [undefined, 'x', '12', 5]) {
      for (const name of names) {
        for (const key of keys) {
          for (const hashKey of hashKeys) {
            for (const blob of data) {
              requests.push({
                StreamName: name,
                PartitionKey: key,
                ExplicitHashKey: hashKey,
                Data: blob,
                SequenceNumberForOrdering: ordering,
              });
            }
          }
        }
      }
    }
    requests.push(
      { StreamName: 's', PartitionKey: 'k', Data: big },
      { StreamName: '', PartitionKey: '', ExplicitHashKey: 'x', Data: big, SequenceNumberForOrdering: 'x' },
    );
    const differing = requests.filter(
      (request) => frontAnswer('PutRecord', request) !== kinesaliteAnswer('PutRecord', request),
    );
    expect(differing).toEqual([]);
  });
});
