import { ControlPlaneThrottle } from '../../src/local/ControlPlaneThrottle.js';

describe('ControlPlaneThrottle', () => {
  let now = 0;
  const clock = () => now;

  it('counts an account-wide operation over every stream, in a sliding second', () => {
    const throttle = new ControlPlaneThrottle({ DescribeStream: 2 }, clock);
    now = 10_000;
    expect(throttle.refusal('DescribeStream', { StreamName: 'a' })).toBeUndefined();
    now = 10_500;
    expect(throttle.refusal('DescribeStream', { StreamName: 'b' })).toBeUndefined();
    expect(throttle.refusal('DescribeStream', { StreamName: 'c' })).toEqual({
      status: 400,
      type: 'LimitExceededException',
      message: 'Rate exceeded for stream c under account 000000000000.',
    });
    // The first call leaves the window at 11,000; the refused one never entered it.
    now = 11_000;
    expect(throttle.refusal('DescribeStream', { StreamName: 'c' })).toBeUndefined();
    expect(throttle.refusal('DescribeStream', { StreamName: 'c' })).toBeDefined();
  });

  it('counts a per-stream operation per stream, whether named by name, stream ARN or consumer ARN', () => {
    const throttle = new ControlPlaneThrottle({ DescribeStreamConsumer: 2 }, clock);
    now = 20_000;
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
    expect(throttle.refusal('DescribeStreamConsumer', { StreamARN: arn, ConsumerName: 'c' })).toBeUndefined();
    expect(
      throttle.refusal('DescribeStreamConsumer', { ConsumerARN: `${arn}/consumer/c:1` }),
    ).toBeUndefined();
    expect(throttle.refusal('DescribeStreamConsumer', { StreamARN: arn, ConsumerName: 'c' })?.message).toBe(
      'Rate exceeded for stream s under account 000000000000.',
    );
    expect(
      throttle.refusal('DescribeStreamConsumer', {
        StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/other',
        ConsumerName: 'c',
      }),
    ).toBeUndefined();
  });

  it('words a refusal naming no stream for the account', () => {
    const throttle = new ControlPlaneThrottle({ ListStreams: 1 }, clock);
    now = 30_000;
    expect(throttle.refusal('ListStreams', {})).toBeUndefined();
    expect(throttle.refusal('ListStreams', {})?.message).toBe('Rate exceeded for account 000000000000.');
  });

  it('leaves unlimited (false) and unknown operations alone, and does not charge a malformed ARN', () => {
    const throttle = new ControlPlaneThrottle({ ListStreams: false, DescribeStreamSummary: 1 }, clock);
    now = 40_000;
    for (let call = 0; call < 50; call += 1) {
      expect(throttle.refusal('ListStreams', {})).toBeUndefined();
      expect(throttle.refusal('PutRecords', { StreamName: 's' })).toBeUndefined();
      expect(throttle.refusal('DescribeStreamSummary', { StreamARN: 'not-an-arn' })).toBeUndefined();
    }
    expect(throttle.refusal('DescribeStreamSummary', { StreamName: 's' })).toBeUndefined();
    expect(throttle.refusal('DescribeStreamSummary', { StreamName: 's' })).toBeDefined();
  });

  it('keeps the AWS rate of an operation the option leaves out', () => {
    const throttle = new ControlPlaneThrottle({}, clock);
    now = 50_000;
    const answers = Array.from({ length: 11 }, () => throttle.refusal('DescribeStream', { StreamName: 's' }));
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(10);
  });

  it('holds a bounded number of budgets however many streams are named', () => {
    const throttle = new ControlPlaneThrottle({}, clock);
    for (let stream = 0; stream < 5000; stream += 1) {
      now = 60_000 + stream * 10;
      expect(throttle.refusal('ListShards', { StreamName: `stream-${stream}` })).toBeUndefined();
    }
    // Only the budgets of the last second (100 streams) and those not yet swept remain.
    expect(throttle.budgets).toBeLessThanOrEqual(1024);
  });
});
