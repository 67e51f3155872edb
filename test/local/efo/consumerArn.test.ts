import { consumerArn, parseConsumerArn } from '../../../src/local/efo/consumerArn.js';

describe('consumer ARNs', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

  it('are the stream ARN, /consumer/, the name and the creation time in epoch seconds', () => {
    const arn = consumerArn(streamArn, 'app.v2', 1_700_000_000_999);
    expect(arn).toBe(`${streamArn}/consumer/app.v2:1700000000`);
    expect(parseConsumerArn(arn)).toEqual({
      streamArn,
      streamName: 'orders',
      consumerName: 'app.v2',
      creationSeconds: 1_700_000_000,
    });
  });

  it.each([
    `${streamArn}/consumer/app`,
    `${streamArn}/consumer/:1700000000`,
    `${streamArn}/consumer/bad name:1700000000`,
    'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
    'not an arn',
  ])('rejects %s', (arn) => {
    expect(parseConsumerArn(arn)).toBeUndefined();
  });
});
