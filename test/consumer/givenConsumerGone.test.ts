// What a shard's SubscribeToShard failure fails the consumer with, for a stream consumer given by
// consumerArn: "not found" confirmed by DescribeStreamConsumer is not retriable; anything else
// keeps the error; an answer older than CONSUMER_GONE_RECHECK_MS is asked again. (The whole path against the embedded Kinesis: fanOut/fanOutLifecycle.test.ts.)
import { StreamConsumerNotActiveError } from '../../src/consumer/errors/StreamConsumerNotActiveError.js';
import { CONSUMER_GONE_RECHECK_MS, givenConsumerGone } from '../../src/consumer/givenConsumerGone.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1';
/** The consumer's scheduler's clock, for tests that do not move it. */
const still = () => 0;
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
    const check = givenConsumerGone(ARN, 's', status, still);
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
  expect(await givenConsumerGone(ARN, 's', answer, still)(error)).toBe(error);
});

test('no consumerArn (registered by name), or another error: kept as it is, nothing asked', () => {
  const { calls, status } = counted(() => Promise.resolve('not found'));
  const byName = notFound();
  expect(givenConsumerGone(undefined, 's', status, still)(byName)).toBe(byName);
  const timeout = new RequestTimeoutError('SubscribeToShard got no answer', {});
  expect(givenConsumerGone(ARN, 's', status, still)(timeout)).toBe(timeout);
  expect(calls.count).toBe(0);
});

// Case: the first answer was kept for the whole run: a consumer seen still ACTIVE by the first
// check (DescribeStreamConsumer lagging) and deregistered later in the run left every later
// failure retriable. An answer older than CONSUMER_GONE_RECHECK_MS on the consumer's scheduler is
// asked again; a failure before that goes by the last answer, without a call.
test('an answer older than the recheck interval is asked again; a younger one is not', async () => {
  let clock = 1_000;
  const answers = ['ACTIVE', 'not found'];
  const { calls, status } = counted(() => Promise.resolve(answers[Math.min(calls.count, 2) - 1]));
  const check = givenConsumerGone(ARN, 's', status, () => clock);
  const first = notFound();
  expect(await check(first)).toBe(first);
  clock += CONSUMER_GONE_RECHECK_MS - 1;
  const young = notFound();
  expect(await check(young)).toBe(young);
  expect(calls.count).toBe(1);
  clock += 1;
  const [late, alongside] = await Promise.all([check(notFound()), check(notFound())]);
  expect(calls.count).toBe(2);
  for (const error of [late, alongside])
    expect(error).toMatchObject({ consumer: ARN, status: 'not found', retriable: false });
});

test('a failed look-up is asked again after the interval too', async () => {
  let clock = 0;
  let fail = true;
  const { calls, status } = counted(() =>
    fail ? Promise.reject(new Error('network down')) : Promise.resolve('DELETING'),
  );
  const check = givenConsumerGone(ARN, 's', status, () => clock);
  const first = notFound();
  expect(await check(first)).toBe(first);
  fail = false;
  clock += CONSUMER_GONE_RECHECK_MS;
  expect(await check(notFound())).toMatchObject({ status: 'DELETING', retriable: false });
  expect(calls.count).toBe(2);
});

// Case: the answer's age was read off the scheduler's clock as it is: a wall clock set back (the
// default scheduler's) after an answer made that answer young again for as long as the step, so
// a consumer deregistered meanwhile stayed retriable for an hour after a one-hour step back. A
// clock that reads before the answer counts the answer as old: it is asked again.
test('a clock set back after an answer does not make the answer hold longer', async () => {
  let clock = 5_000_000;
  const answers = ['ACTIVE', 'not found'];
  const { calls, status } = counted(() => Promise.resolve(answers[Math.min(calls.count, 2) - 1]));
  const check = givenConsumerGone(ARN, 's', status, () => clock);
  const first = notFound();
  expect(await check(first)).toBe(first);
  clock -= 3_600_000;
  expect(await check(notFound())).toMatchObject({ consumer: ARN, status: 'not found', retriable: false });
  expect(calls.count).toBe(2);
});
