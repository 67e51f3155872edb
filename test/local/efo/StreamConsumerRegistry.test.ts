import { StreamConsumerRegistry } from '../../../src/local/efo/StreamConsumerRegistry.js';

describe('StreamConsumerRegistry', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

  it('reads CREATING, ACTIVE, DELETING and gone from the clock', () => {
    let now = 1_700_000_000_000;
    const registry = new StreamConsumerRegistry(500, () => now);
    const consumer = registry.register('orders', streamArn, 'app');
    expect(consumer.consumerArn).toBe(`${streamArn}/consumer/app:1700000000`);
    expect(registry.status(consumer)).toBe('CREATING');
    now += 499;
    expect(registry.status(consumer)).toBe('CREATING');
    now += 1;
    expect(registry.status(consumer)).toBe('ACTIVE');
    expect(registry.findByArn(consumer.consumerArn)).toBe(consumer);
    registry.deregister(consumer);
    expect(registry.status(consumer)).toBe('DELETING');
    expect(registry.find('orders', 'app')).toBe(consumer);
    now += 500;
    expect(registry.find('orders', 'app')).toBeUndefined();
    expect(registry.list('orders')).toEqual([]);
  });

  it('keeps consumers per stream and forgets a deleted stream', () => {
    const registry = new StreamConsumerRegistry(0, () => 0);
    registry.register('orders', streamArn, 'a');
    registry.register('orders', streamArn, 'b');
    registry.register('other', streamArn.replace('orders', 'other'), 'a');
    expect(registry.list('orders').map((consumer) => consumer.consumerName)).toEqual(['a', 'b']);
    registry.forgetStream('orders');
    expect(registry.list('orders')).toEqual([]);
    expect(registry.list('other')).toHaveLength(1);
  });

  it('gives a consumer registered again within the same second a new ARN, CREATING until that second', () => {
    let now = 1_700_000_000_250;
    const registry = new StreamConsumerRegistry(100, () => now);
    const first = registry.register('orders', streamArn, 'app');
    now += 150;
    registry.deregister(first);
    now += 100;
    expect(registry.find('orders', 'app')).toBeUndefined();
    const again = registry.register('orders', streamArn, 'app');
    expect(again.consumerArn).toBe(`${streamArn}/consumer/app:1700000001`);
    expect(again.consumerArn).not.toBe(first.consumerArn);
    expect(registry.findByArn(first.consumerArn)).toBeUndefined();
    expect(again.createdAt).toBe(1_700_000_001_000);
    now = 1_700_000_001_099;
    expect(registry.status(again)).toBe('CREATING');
    now = 1_700_000_001_100;
    expect(registry.status(again)).toBe('ACTIVE');
    // A later second: the clock's own time.
    registry.deregister(again);
    now = 1_700_000_005_000;
    expect(registry.register('orders', streamArn, 'app').consumerArn).toBe(
      `${streamArn}/consumer/app:1700000005`,
    );
  });
});
