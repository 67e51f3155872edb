import { resolveConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';

describe('resolveConsumerOptions', () => {
  test('applies the documented defaults', () => {
    const o = resolveConsumerOptions({ streamName: 'orders' });
    expect(o).toMatchObject({
      iteratorType: 'TRIM_HORIZON',
      recordLimit: 10_000,
      shardFetchRate: 1,
      sleepTimeNoRecords: 2000,
      maxQueueSize: 10_000,
      shardRefreshInterval: 60_000,
      createStream: false,
      createStreamShards: 1,
    });
    expect(o.address).toEqual({ streamName: 'orders' });
    expect(o.workerId).toMatch(/.+/);
  });

  test.each([
    [{ shardFetchRate: 0 }, 'shardFetchRate'],
    [{ shardFetchRate: 5.5 }, 'shardFetchRate'],
    [{ recordLimit: 10_001 }, 'recordLimit'],
    [{ maxQueueSize: 0 }, 'maxQueueSize'],
    [{ iteratorType: 'EARLIEST' }, 'iteratorType'],
    [{ iteratorType: 'AT_SEQUENCE_NUMBER' }, 'sequenceNumber'],
    [{ timestamp: new Date() }, 'timestamp'],
    [{ checkpointer: {} }, 'checkpointer'],
    [{ retryLimit: -1 }, 'retryLimit'],
    [{ unknownThing: 1 }, 'unknownThing'],
  ])('rejects %j naming %s', (extra, option) => {
    try {
      resolveConsumerOptions({ streamName: 'orders', ...(extra as object) });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });

  test('accepts a stream ARN and per-shard sequence numbers', () => {
    const o = resolveConsumerOptions({
      streamName: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
      iteratorType: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: { 'shardId-000000000000': '123' },
    });
    expect(o.address.region).toBe('eu-west-1');
  });
});

describe('connection deadlines', () => {
  it('accepts connectTimeout and requestTimeout and refuses bad ones before any I/O', () => {
    expect(
      resolveConsumerOptions({ streamName: 's', connectTimeout: 1000, requestTimeout: 2000 }),
    ).toMatchObject({
      connectTimeout: 1000,
      requestTimeout: 2000,
    });
    expect(resolveConsumerOptions({ streamName: 's' })).toMatchObject({
      connectTimeout: 5000,
      requestTimeout: 30_000,
    });
    expect(() => resolveConsumerOptions({ streamName: 's', requestTimeout: 0 })).toThrow(InvalidOptionError);
    // The minimum the README's option table gives is in the message.
    expect(() => resolveConsumerOptions({ streamName: 's', shardRefreshInterval: 99 })).toThrow(
      /shardRefreshInterval.*>= 100/,
    );
    expect(resolveConsumerOptions({ streamName: 's', shardRefreshInterval: 100 }).shardRefreshInterval).toBe(
      100,
    );
    expect(() => resolveConsumerOptions({ streamName: 's', connectTimeout: 1.5 })).toThrow(/connectTimeout/);
  });
});

describe('what a client is built from', () => {
  it.each([
    ['an endpoint that is not http(s)', { endpoint: 'ftp://127.0.0.1:1' }, 'endpoint'],
    ['a region that is not one', { region: 'eu west 1' }, 'region'],
    ['credentials without a secret', { credentials: { accessKeyId: 'AKIAEXAMPLE' } }, 'credentials'],
    ['a client that is not a KinesisClient', { client: {} }, 'client'],
  ])('fromKinesis() refuses %s when called, before any subscription', (_label, options, option) => {
    let thrown: unknown;
    try {
      fromKinesis({ streamName: 's', ...options } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect(thrown).toMatchObject({ option });
  });
});
