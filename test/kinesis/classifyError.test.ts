import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  AccessDeniedException,
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  ExpiredNextTokenException,
  InternalFailureException,
  InvalidArgumentException,
  KinesisServiceException,
  KMSThrottlingException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { classifyError, isRetriable } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { AbortedError } from '../../src/kinesis/errors/AbortedError.js';
import { AccessDeniedError } from '../../src/kinesis/errors/AccessDeniedError.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { ExpiredIteratorError } from '../../src/kinesis/errors/ExpiredIteratorError.js';
import { KinesisError } from '../../src/kinesis/errors/KinesisError.js';
import { KinesisRequestError } from '../../src/kinesis/errors/KinesisRequestError.js';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';
import { KinesisValidationError } from '../../src/kinesis/errors/KinesisValidationError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';

const metadata = { httpStatusCode: 400, requestId: 'req-1' };

/** An SDK error for a name the SDK does not model (common errors such as ThrottlingException). */
function serviceError(
  name: string,
  fault: 'client' | 'server',
  httpStatusCode?: number,
): KinesisServiceException {
  return new KinesisServiceException({
    name,
    $fault: fault,
    message: `${name} happened`,
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
  });
}

function nodeError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classifyError on SDK exceptions', () => {
  it.each([
    [
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: metadata }),
      ThrottledError,
      true,
    ],
    [new LimitExceededException({ message: 'x', $metadata: metadata }), ThrottledError, true],
    [new KMSThrottlingException({ message: 'x', $metadata: metadata }), ThrottledError, true],
    [serviceError('ThrottlingException', 'client', 400), ThrottledError, true],
    [
      new InternalFailureException({ message: 'x', $metadata: { httpStatusCode: 500 } }),
      KinesisServiceError,
      true,
    ],
    [serviceError('InternalFailure', 'server', 500), KinesisServiceError, true],
    [serviceError('ServiceUnavailable', 'server', 503), KinesisServiceError, true],
    [new ExpiredIteratorException({ message: 'x', $metadata: metadata }), ExpiredIteratorError, true],
    [new ResourceNotFoundException({ message: 'x', $metadata: metadata }), StreamNotFoundError, false],
    [new ResourceInUseException({ message: 'x', $metadata: metadata }), StreamNotActiveError, true],
    [new AccessDeniedException({ message: 'x', $metadata: metadata }), AccessDeniedError, false],
    [serviceError('UnrecognizedClientException', 'client', 400), AccessDeniedError, false],
    [serviceError('ExpiredTokenException', 'client', 400), AccessDeniedError, false],
    [new InvalidArgumentException({ message: 'x', $metadata: metadata }), KinesisValidationError, false],
    [new ValidationException({ message: 'x', $metadata: metadata }), KinesisValidationError, false],
    [new ExpiredNextTokenException({ message: 'x', $metadata: metadata }), KinesisValidationError, false],
  ])('%s -> %p', (error, expectedClass, retriable) => {
    const classified = classifyError(error);
    expect(classified).toBeInstanceOf(expectedClass);
    expect(classified).toBeInstanceOf(RxjsKinesisError);
    expect(classified.retriable).toBe(retriable);
    expect(isRetriable(error)).toBe(retriable);
    expect(classified.cause).toBe(error);
    expect((classified as KinesisError).code).toBe(error.name);
  });

  it('keeps the AWS code, status and request id, and names the code in the message', () => {
    const error = new ProvisionedThroughputExceededException({
      message: 'Rate exceeded for shard shardId-000000000001',
      $metadata: metadata,
    });
    const classified = classifyError(error, { streamName: 'orders', shardId: 'shardId-000000000001' });
    expect(classified).toBeInstanceOf(ThrottledError);
    const typed = classified as ThrottledError;
    expect(typed.code).toBe('ProvisionedThroughputExceededException');
    expect(typed.httpStatusCode).toBe(400);
    expect(typed.requestId).toBe('req-1');
    expect(typed.name).toBe('ThrottledError');
    expect(typed.message).toBe(
      'ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000001',
    );
    expect(typed.context).toEqual({ streamName: 'orders', shardId: 'shardId-000000000001' });
  });

  it('falls back on the status code and fault for unknown names', () => {
    expect(classifyError(serviceError('SomethingNew', 'server', 502))).toBeInstanceOf(KinesisServiceError);
    expect(classifyError(serviceError('SomethingNew', 'client', 429))).toBeInstanceOf(ThrottledError);
    expect(classifyError(serviceError('SomethingNew', 'client', 403))).toBeInstanceOf(AccessDeniedError);
    const other4xx = classifyError(serviceError('SomethingNew', 'client', 409));
    expect(other4xx).toBeInstanceOf(KinesisValidationError);
    expect(other4xx.retriable).toBe(false);
    expect(classifyError(serviceError('SomethingNew', 'server'))).toBeInstanceOf(KinesisServiceError);
    expect(classifyError(serviceError('SomethingNew', 'client'))).toBeInstanceOf(KinesisValidationError);
  });

  it('honours the SDK $retryable trait', () => {
    const throttling = Object.assign(serviceError('SomethingNew', 'client'), {
      $retryable: { throttling: true },
    });
    expect(classifyError(throttling)).toBeInstanceOf(ThrottledError);
    const retryable = Object.assign(serviceError('SomethingNew', 'client'), { $retryable: {} });
    const classified = classifyError(retryable);
    expect(classified).toBeInstanceOf(KinesisRequestError);
    expect(classified.retriable).toBe(true);
  });

  it('treats a clock-skew rejection the SDK corrected as retriable', () => {
    const skew = new KinesisServiceException({
      name: 'InvalidSignatureException',
      $fault: 'client',
      message: 'Signature expired',
      $metadata: { httpStatusCode: 400, clockSkewCorrected: true } as never,
    });
    const classified = classifyError(skew);
    expect(classified).toBeInstanceOf(AccessDeniedError);
    expect(classified.retriable).toBe(true);
  });
});

describe('classifyError on Node and SDK transport errors', () => {
  it.each([
    ['ECONNRESET', nodeError('read ECONNRESET', 'ECONNRESET')],
    ['ECONNREFUSED', nodeError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['EPIPE', nodeError('write EPIPE', 'EPIPE')],
    ['ETIMEDOUT', nodeError('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['EAI_AGAIN', nodeError('getaddrinfo EAI_AGAIN kinesis', 'EAI_AGAIN')],
    ['socket hang up', nodeError('socket hang up')],
    ['aborted socket', nodeError('aborted')],
    ['TimeoutError', Object.assign(new Error('request timed out'), { name: 'TimeoutError' })],
    ['fetch failure in Chromium', new TypeError('Failed to fetch')],
    ['fetch failure in Firefox', new TypeError('NetworkError when attempting to fetch resource.')],
    ['fetch failure in Safari', new TypeError('Load failed')],
    ['fetch failure in Node', new TypeError('fetch failed')],
    ['event stream cut inside an event', new Error('Truncated event message received.')],
    [
      'event stream cut inside its initial response (status 200)',
      Object.assign(
        new Error(
          'Truncated event message received.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
        ),
        { $metadata: { httpStatusCode: 200, attempts: 1 } },
      ),
    ],
    [
      'SDK-wrapped socket hang up',
      Object.assign(new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), {
        $metadata: { attempts: 1 },
      }),
    ],
    [
      'SDK-wrapped ECONNREFUSED',
      Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), {
        $metadata: { attempts: 1, totalRetryDelay: 0 },
      }),
    ],
    [
      'SDK-wrapped DNS failure',
      Object.assign(
        new Error('AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND kinesis.example.invalid'),
        { $metadata: { attempts: 1 } },
      ),
    ],
    [
      'SDK-wrapped TLS failure',
      Object.assign(new Error('AWS SDK error wrapper for Error: self-signed certificate'), {
        $metadata: { attempts: 1 },
      }),
    ],
    ['TLS certificate', nodeError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')],
  ])('%s -> ConnectionError', (_label, error) => {
    const classified = classifyError(error);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect(classified.retriable).toBe(true);
    expect(classified.cause).toBe(error);
  });

  it.each([
    ['ETIMEDOUT', nodeError('connect ETIMEDOUT', 'ETIMEDOUT')],
    [
      'the SDK handler requestTimeout',
      Object.assign(new Error('a request has exceeded the configured 400 ms requestTimeout.'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
    ],
    [
      'the SDK handler connectionTimeout',
      Object.assign(
        new Error(
          'the request socket did not establish a connection within the configured timeout of 5000 ms.',
        ),
        {
          name: 'TimeoutError',
        },
      ),
    ],
    [
      'the SDK handler socket timeout',
      Object.assign(new Error('the request socket timed out after 400 ms of inactivity'), {
        name: 'TimeoutError',
      }),
    ],
    ['HTTP 408', { name: 'Unknown', message: 'Request Timeout', $metadata: { httpStatusCode: 408 } }],
  ])('%s -> RequestTimeoutError (a retriable ConnectionError)', (_label, error) => {
    const classified = classifyError(error, { streamName: 's', shardId: 'shardId-000000000000' });
    expect(classified).toBeInstanceOf(RequestTimeoutError);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect(classified.retriable).toBe(true);
    expect(classified.context).toEqual({ streamName: 's', shardId: 'shardId-000000000000' });
  });

  it('a reset the SDK names TimeoutError is a ConnectionError, not a timeout', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', code: 'ECONNRESET' });
    const classified = classifyError(reset);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect(classified).not.toBeInstanceOf(RequestTimeoutError);
  });

  it('an AbortError is not retriable', () => {
    const error = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const classified = classifyError(error);
    expect(classified).toBeInstanceOf(AbortedError);
    expect(classified.retriable).toBe(false);
  });

  it('wraps anything else in a non-retriable KinesisRequestError', () => {
    for (const value of [new Error('boom'), 'a string', 42, null, undefined, { weird: true }]) {
      const classified = classifyError(value);
      expect(classified).toBeInstanceOf(KinesisRequestError);
      expect(classified.retriable).toBe(false);
      expect(isRetriable(value)).toBe(false);
    }
    expect(classifyError('a string').message).toBe('a string');
  });
});

describe('classifyError on library errors', () => {
  it('returns them unchanged, filling in missing context only', () => {
    const original = new ThrottledError('slow down', { context: { shardId: 'shardId-1' } });
    const classified = classifyError(original, { streamName: 's', shardId: 'other' });
    expect(classified).toBe(original);
    expect(classified.context).toEqual({ streamName: 's', shardId: 'shardId-1' });
    const invalid = new InvalidOptionError('x', 1, 'nope');
    expect(classifyError(invalid)).toBe(invalid);
    expect(isRetriable(invalid)).toBe(false);
    expect(isRetriable(new ConnectionError('x'))).toBe(true);
  });
});

describe('classifyError on what the SDK client throws for an unreachable endpoint', () => {
  it('a refused connection is a retriable ConnectionError naming ECONNREFUSED', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createKinesisClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const thrown = await client.send(new DescribeStreamSummaryCommand({ StreamName: 's' })).then(
        () => undefined,
        (error: unknown) => error,
      );
      const classified = classifyError(thrown);
      expect(classified).toBeInstanceOf(ConnectionError);
      expect(classified.retriable).toBe(true);
      expect(classified.message).toContain('ECONNREFUSED');
    } finally {
      client.destroy();
    }
  });

  it('a wrapped answer with an HTTP status is not read as a connection failure', () => {
    const error = Object.assign(new Error('AWS SDK error wrapper for Error: ECONNREFUSED'), {
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyError(error)).toBeInstanceOf(KinesisValidationError);
  });
});

describe('classifyError on values that cannot be read', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable(new Error('gone'), {});
    revoke();
    return proxy;
  };
  const throwingGetters = Object.defineProperties(new Error('x'), {
    name: {
      get() {
        throw new Error('name getter');
      },
    },
    code: {
      get() {
        throw new Error('code getter');
      },
    },
  });

  it.each<[string, () => unknown]>([
    ['a revoked Proxy', revoked],
    ['an error whose getters throw', () => throwingGetters],
  ])('classifies %s as an unknown failure, without throwing', (_case, make) => {
    const classified = classifyError(make(), { streamName: 'orders' });
    expect(classified).toBeInstanceOf(RxjsKinesisError);
    expect(classified.message).toMatch(/the call failed with/);
    expect(classified.context.streamName).toBe('orders');
  });
});
