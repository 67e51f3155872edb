import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { isValidStreamName, parseStreamAddress, streamParams } from '../../src/kinesis/streamAddress.js';

describe('parseStreamAddress', () => {
  it('accepts plain names at the length edges', () => {
    expect(parseStreamAddress('a')).toEqual({ streamName: 'a' });
    const longest = 'x'.repeat(128);
    expect(parseStreamAddress(longest)).toEqual({ streamName: longest });
    expect(parseStreamAddress('Orders_v2.prod-eu')).toEqual({ streamName: 'Orders_v2.prod-eu' });
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'my stream'],
    ['a slash', 'a/b'],
    ['a colon', 'a:b'],
    ['non-ASCII', 'stréam'],
  ])('rejects a name with %s', (_label, name) => {
    expect(() => parseStreamAddress(name)).toThrow(InvalidOptionError);
  });

  it('rejects non-strings and names the option', () => {
    expect(() => parseStreamAddress(42 as unknown as string, 'stream')).toThrow(/Invalid option "stream"/);
    expect(() => parseStreamAddress(undefined as unknown as string)).toThrow(/"streamName"/);
  });

  it('parses stream ARNs in every partition', () => {
    expect(parseStreamAddress('arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toEqual({
      streamName: 'orders',
      streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
      region: 'eu-west-1',
      accountId: '123456789012',
      partition: 'aws',
    });
    expect(parseStreamAddress('arn:aws-cn:kinesis:cn-north-1:000000000001:stream/s.1')).toMatchObject({
      streamName: 's.1',
      region: 'cn-north-1',
      partition: 'aws-cn',
    });
    expect(parseStreamAddress('arn:aws-us-gov:kinesis:us-gov-west-1:999999999999:stream/x')).toMatchObject({
      streamName: 'x',
      region: 'us-gov-west-1',
      accountId: '999999999999',
      partition: 'aws-us-gov',
    });
  });

  it('accepts the longest name inside an ARN', () => {
    const name = 'n'.repeat(128);
    expect(parseStreamAddress(`arn:aws:kinesis:us-east-1:000000000000:stream/${name}`).streamName).toBe(name);
  });

  it.each([
    ['another service', 'arn:aws:sqs:us-east-1:123456789012:stream/orders'],
    ['a firehose stream', 'arn:aws:firehose:us-east-1:123456789012:deliverystream/orders'],
    ['an 11-digit account', 'arn:aws:kinesis:us-east-1:12345678901:stream/orders'],
    ['a 13-digit account', 'arn:aws:kinesis:us-east-1:1234567890123:stream/orders'],
    ['a non-numeric account', 'arn:aws:kinesis:us-east-1:12345678901a:stream/orders'],
    ['no stream/ prefix', 'arn:aws:kinesis:us-east-1:123456789012:orders'],
    ['a table resource', 'arn:aws:kinesis:us-east-1:123456789012:table/orders'],
    ['an empty name', 'arn:aws:kinesis:us-east-1:123456789012:stream/'],
    ['a bad name', 'arn:aws:kinesis:us-east-1:123456789012:stream/my stream'],
    ['a 129-character name', `arn:aws:kinesis:us-east-1:123456789012:stream/${'n'.repeat(129)}`],
    ['a consumer ARN', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/c1:1700000000'],
    ['no region', 'arn:aws:kinesis::123456789012:stream/orders'],
    ['an unknown partition shape', 'arn:gcp:kinesis:us-east-1:123456789012:stream/orders'],
    ['trailing text', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders '],
  ])('rejects an ARN with %s', (_label, arn) => {
    expect(() => parseStreamAddress(arn)).toThrow(InvalidOptionError);
  });
});

describe('isValidStreamName', () => {
  it('agrees with the name rule', () => {
    expect(isValidStreamName('abc')).toBe(true);
    expect(isValidStreamName('')).toBe(false);
    expect(isValidStreamName(7)).toBe(false);
  });
});

describe('streamParams', () => {
  it('sends StreamName for a plain name', () => {
    expect(streamParams(parseStreamAddress('orders'))).toEqual({ StreamName: 'orders' });
  });

  it('sends StreamARN, with the matching name, for an ARN', () => {
    const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
    expect(streamParams(parseStreamAddress(arn))).toEqual({ StreamARN: arn, StreamName: 'orders' });
  });
});
