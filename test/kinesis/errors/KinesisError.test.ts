import { RxjsKinesisError } from '../../../src/errors/RxjsKinesisError.js';
import { AbortedError } from '../../../src/kinesis/errors/AbortedError.js';
import { AccessDeniedError } from '../../../src/kinesis/errors/AccessDeniedError.js';
import { ConnectionError } from '../../../src/kinesis/errors/ConnectionError.js';
import { ExpiredIteratorError } from '../../../src/kinesis/errors/ExpiredIteratorError.js';
import { KinesisError } from '../../../src/kinesis/errors/KinesisError.js';
import { KinesisRequestError } from '../../../src/kinesis/errors/KinesisRequestError.js';
import { KinesisServiceError } from '../../../src/kinesis/errors/KinesisServiceError.js';
import { KinesisValidationError } from '../../../src/kinesis/errors/KinesisValidationError.js';
import { RetryLimitExceededError } from '../../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotActiveError } from '../../../src/kinesis/errors/StreamNotActiveError.js';
import { StreamNotFoundError } from '../../../src/kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../../../src/kinesis/errors/ThrottledError.js';

describe('Kinesis error classes', () => {
  it.each([
    [ThrottledError, true],
    [KinesisServiceError, true],
    [ConnectionError, true],
    [ExpiredIteratorError, true],
    [StreamNotActiveError, true],
    [StreamNotFoundError, false],
    [AccessDeniedError, false],
    [KinesisValidationError, false],
    [KinesisRequestError, false],
    [AbortedError, false],
  ])('%p has its own name and retriable default %p', (ErrorClass, retriable) => {
    const context = { streamName: 's', shardId: 'shardId-000000000000' };
    const cause = new Error('root');
    const error = new ErrorClass('message', {
      code: 'SomeCode',
      httpStatusCode: 400,
      requestId: 'r',
      cause,
      context,
    });
    expect(error).toBeInstanceOf(KinesisError);
    expect(error).toBeInstanceOf(RxjsKinesisError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.retriable).toBe(retriable);
    expect(error.code).toBe('SomeCode');
    expect(error.httpStatusCode).toBe(400);
    expect(error.requestId).toBe('r');
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual(context);
    expect(new ErrorClass('m', { retriable: !retriable }).retriable).toBe(!retriable);
  });

  it('StreamNotActiveError carries the status; RetryLimitExceededError the attempts', () => {
    expect(new StreamNotActiveError('m', { status: 'CREATING' }).status).toBe('CREATING');
    const limit = new RetryLimitExceededError('m', { attempts: 4 });
    expect(limit.attempts).toBe(4);
    expect(limit.retriable).toBe(false);
    expect(new AbortedError().code).toBe('AbortError');
  });
});
