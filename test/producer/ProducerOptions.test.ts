import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import { resolveProducerOptions } from '../../src/producer/resolveProducerOptions.js';
import { resolveToKinesisPolicies } from '../../src/producer/ToKinesisOptions.js';

describe('resolveProducerOptions', () => {
  it('fills in the async-kinesis / AWS defaults', () => {
    const resolved = resolveProducerOptions({ streamName: 'orders' });
    expect(resolved).toMatchObject({
      bufferTime: 500,
      batchSize: 500,
      maxRequestBytes: 5 * 1024 * 1024,
      maxRecordBytes: 1024 * 1024,
      putRateLimitPerShard: 1000,
      putBandwidthPerShard: 1024 * 1024,
      maxQueueSize: 20_000,
      retryLimit: Infinity,
      expoBackoffLimit: 120_000,
      createStream: false,
      createStreamShards: 1,
      preserveOrder: false,
    });
    expect(resolved.processor.name).toBe('json');
    expect(resolved.address).toEqual({ streamName: 'orders' });
  });

  it('waits for the stream and through connection failures without end when told Infinity', () => {
    const resolved = resolveProducerOptions({
      streamName: 'orders',
      streamWaitTime: Infinity,
      connectionFailureTimeout: Infinity,
    });
    expect(resolved).toMatchObject({ streamWaitTime: Infinity, connectionFailureTimeout: Infinity });
    expect(() => resolveProducerOptions({ streamName: 'orders', streamWaitTime: -Infinity })).toThrow(
      /"streamWaitTime".*>= 0, or Infinity/,
    );
  });

  it('refuses createStream: true with streamWaitTime 0, saying that a created stream must be waited for', () => {
    const run = () => resolveProducerOptions({ streamName: 'orders', createStream: true, streamWaitTime: 0 });
    expect(run).toThrow(InvalidOptionError);
    expect(run).toThrow(/"streamWaitTime".*createStream: true.*CREATING/);
    // Without createStream, 0 still means: fail at once when the stream is missing or not ACTIVE.
    expect(resolveProducerOptions({ streamName: 'orders', streamWaitTime: 0 }).streamWaitTime).toBe(0);
    expect(
      resolveProducerOptions({ streamName: 'orders', createStream: true, streamWaitTime: 1 }).streamWaitTime,
    ).toBe(1);
  });

  it('accepts a stream ARN', () => {
    const resolved = resolveProducerOptions({
      streamName: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
    });
    expect(resolved.address).toMatchObject({ streamName: 'orders', region: 'eu-west-1' });
  });

  const bad: Array<[string, Partial<ProducerOptions<unknown>>]> = [
    ['streamName', { streamName: '' }],
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: 501 }],
    ['maxRecordBytes', { maxRecordBytes: 11 * 1024 * 1024 }],
    ['maxRequestBytes', { maxRecordBytes: 2000, maxRequestBytes: 1000 }],
    ['bufferTime', { bufferTime: -1 }],
    ['putRateLimitPerShard', { putRateLimitPerShard: 0 }],
    ['putBandwidthLimitPerShard', { putBandwidthLimitPerShard: Number.NaN }],
    ['maxQueueSize', { maxQueueSize: 1.5 }],
    ['maxQueueBytes', { maxQueueBytes: 10 }],
    ['retryLimit', { retryLimit: -1 }],
    ['expoBackoffLimit', { expoBackoff: 100, expoBackoffLimit: 50 }],
    ['partitionKey', { partitionKey: '' }],
    ['partitionKey', { partitionKey: 42 as unknown as string }],
    ['createStreamShards', { createStreamShards: 0 }],
    ['preserveOrder', { preserveOrder: 'yes' as unknown as boolean }],
    ['processor', { processor: {} as never }],
    ['scheduler', { scheduler: {} as never }],
  ];
  it.each(bad)('rejects a bad %s with InvalidOptionError', (option, extra) => {
    const run = () => resolveProducerOptions({ streamName: 'orders', ...extra });
    expect(run).toThrow(InvalidOptionError);
    try {
      run();
    } catch (error) {
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });

  it('validates the operator policies', () => {
    expect(resolveToKinesisPolicies({ streamName: 's' })).toEqual({
      onFailure: 'error',
      overflow: 'error',
      flushOnUnsubscribe: true,
    });
    expect(() => resolveToKinesisPolicies({ streamName: 's', onFailure: 'ignore' as never })).toThrow(
      InvalidOptionError,
    );
    expect(() => resolveToKinesisPolicies({ streamName: 's', overflow: 'drop-oldest' as never })).toThrow(
      InvalidOptionError,
    );
  });
});
