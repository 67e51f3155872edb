import { isRetriableDynamoDBError } from '../../../src/checkpointers/dynamodb/isRetriableDynamoDBError.js';

describe('isRetriableDynamoDBError', () => {
  it('retries throttling, 5xx, timeouts and lost connections; not other answers', () => {
    expect(isRetriableDynamoDBError({ name: 'ProvisionedThroughputExceededException' })).toBe(true);
    expect(isRetriableDynamoDBError({ name: 'X', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetriableDynamoDBError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(
      isRetriableDynamoDBError({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
    ).toBe(false);
    expect(isRetriableDynamoDBError({ name: 'ConditionalCheckFailedException' })).toBe(false);
  });

  it.each([
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EHOSTDOWN',
    'ENETDOWN',
    'ERR_STREAM_PREMATURE_CLOSE',
  ])('retries a network failure the Kinesis calls retry too: %s', (code) => {
    expect(isRetriableDynamoDBError(Object.assign(new Error(`connect ${code}`), { code }))).toBe(true);
    expect(
      isRetriableDynamoDBError(
        new Error(`AWS SDK error wrapper for Error: getaddrinfo ${code} dynamodb.local`),
      ),
    ).toBe(true);
  });

  it('retries a 2xx answer the SDK could not read (its write may have been applied)', () => {
    expect(isRetriableDynamoDBError({ name: 'SyntaxError', $metadata: { httpStatusCode: 200 } })).toBe(true);
    expect(isRetriableDynamoDBError({ name: 'SyntaxError', $metadata: { httpStatusCode: 413 } })).toBe(false);
    expect(isRetriableDynamoDBError({ name: 'SyntaxError' })).toBe(false);
  });

  // What the SDK's retry layer makes of an error that is not an Error of its realm (a socket
  // error of Node's http module while the SDK runs in a vm context, as in jest).
  it('reads the name and code out of the SDK wrapper of a foreign error', () => {
    expect(
      isRetriableDynamoDBError(new Error('AWS SDK error wrapper for TimeoutError: socket hang up')),
    ).toBe(true);
    expect(
      isRetriableDynamoDBError(
        new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'),
      ),
    ).toBe(true);
    expect(isRetriableDynamoDBError(new Error('AWS SDK error wrapper for Error: something else'))).toBe(
      false,
    );
    expect(isRetriableDynamoDBError(new Error('TimeoutError: not a wrapper'))).toBe(false);
  });
});
