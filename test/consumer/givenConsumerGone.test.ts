// What a shard's SubscribeToShard failure fails the consumer with, for a stream consumer given by
// consumerArn: "not found" confirmed by DescribeStreamConsumer is not retriable; anything else
// keeps the error. (The whole path against the embedded Kinesis: fanOut/fanOutLifecycle.test.ts.)
import { StreamConsumerNotActiveError } from '../../src/consumer/errors/StreamConsumerNotActiveError.js';
import { givenConsumerGone } from '../../src/consumer/givenConsumerGone.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1';
const notFound = () =>
  new StreamConsumerNotActiveError(ARN, 'not found', 0, 's', new Error('Consumer x not found'));

function counted(answer: () => Promise<string | undefined>) {
  const calls = { count: 0 };
  const status = () => {
    calls.count += 1;
    return answer();
  };
  return { calls, status };
}

test.each(['not found', 'DELETING'])(
  'a consumerArn confirmed %s: not retriable, asked once for every shard',
  async (now) => {
    const { calls, status } = counted(() => Promise.resolve(now));
    const check = givenConsumerGone(ARN, 's', status);
    const [first, second] = await Promise.all([check(notFound()), check(notFound())]);
    expect(calls.count).toBe(1);
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
      expect(error).toMatchObject({ consumer: ARN, status: now, retriable: false });
    }
  },
);

test.each([
  ['still ACTIVE (the answer lagged)', () => Promise.resolve('ACTIVE')],
  ['the look-up failed', () => Promise.reject(new Error('network down'))],
])('a consumerArn %s: the retriable error is kept', async (_, answer) => {
  const error = notFound();
  expect(await givenConsumerGone(ARN, 's', answer)(error)).toBe(error);
});

test('no consumerArn (registered by name), or another error: kept as it is, nothing asked', () => {
  const { calls, status } = counted(() => Promise.resolve('not found'));
  const byName = notFound();
  expect(givenConsumerGone(undefined, 's', status)(byName)).toBe(byName);
  const timeout = new RequestTimeoutError('SubscribeToShard got no answer', {});
  expect(givenConsumerGone(ARN, 's', status)(timeout)).toBe(timeout);
  expect(calls.count).toBe(0);
});
