import { SubscriptionInUseError } from '../../src/consumer/errors/SubscriptionInUseError.js';
import { SubscriptionSilentError } from '../../src/consumer/errors/SubscriptionSilentError.js';
import {
  SUBSCRIBE_INTERVAL_MS,
  SubscriptionRetryPolicy,
  type SubscriptionRetryDecision,
} from '../../src/consumer/SubscriptionRetryPolicy.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';

/** An error as the SDK throws it: a name and a 400 answer. */
function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}

function policy(stallTimeouts?: number): SubscriptionRetryPolicy {
  return new SubscriptionRetryPolicy({
    streamName: 'orders',
    shardId: 'shardId-000000000001',
    backoff: { baseMs: 100, capMs: 1000, retryLimit: 2, random: () => 0.5 },
    ...(stallTimeouts === undefined ? {} : { stallTimeouts }),
  });
}

const silent = () => new SubscriptionSilentError('orders', 'shardId-000000000001', 35_000);

describe('SubscriptionRetryPolicy', () => {
  it('retries ResourceInUseException at the one-call-a-second floor, never counted against the limit', () => {
    const retries = policy();
    const decisions: SubscriptionRetryDecision[] = [];
    for (let i = 0; i < 10; i += 1) decisions.push(retries.decide(awsError('ResourceInUseException')));
    decisions.forEach((decision, i) => {
      expect(decision).toMatchObject({ kind: 'retry', delayMs: SUBSCRIBE_INTERVAL_MS });
      if (decision.kind !== 'retry') return;
      expect(decision.event).toMatchObject({
        type: 'error-retried',
        operation: 'SubscribeToShard',
        attempt: i + 1,
      });
      if (decision.event.type === 'error-retried') {
        expect(decision.event.error).toBeInstanceOf(SubscriptionInUseError);
        expect(decision.event.error.context).toMatchObject({
          streamName: 'orders',
          shardId: 'shardId-000000000001',
        });
        // The same answer comes while the stream consumer is not ACTIVE yet: the message says both.
        expect(decision.event.error.message).toContain('not ACTIVE yet');
      }
    });
  });

  it('fails at once on a non-retriable error, with its stream and shard', () => {
    const decision = policy().decide(awsError('ResourceNotFoundException'));
    expect(decision.kind).toBe('fail');
    if (decision.kind !== 'fail') return;
    expect(decision.error).toBeInstanceOf(StreamNotFoundError);
    expect(decision.error.context).toMatchObject({ streamName: 'orders', shardId: 'shardId-000000000001' });
  });

  it('backs off a throttled call without limit, never sooner than the floor', () => {
    const retries = policy();
    for (let i = 0; i < 10; i += 1) {
      const decision = retries.decide(awsError('LimitExceededException'));
      expect(decision.kind).toBe('retry');
      if (decision.kind === 'retry') {
        expect(decision.delayMs).toBeGreaterThanOrEqual(SUBSCRIBE_INTERVAL_MS);
        expect(decision.event.type).toBe('throttled');
      }
    }
  });

  it('gives up with RetryLimitExceededError after retryLimit retriable failures; an event resets the count', () => {
    const retries = policy();
    expect(retries.decide(awsError('InternalFailure')).kind).toBe('retry');
    expect(retries.decide(awsError('InternalFailure')).kind).toBe('retry');
    retries.reset();
    expect(retries.decide(awsError('InternalFailure')).kind).toBe('retry');
    expect(retries.decide(awsError('InternalFailure')).kind).toBe('retry');
    const last = retries.decide(awsError('InternalFailure'));
    expect(last.kind).toBe('fail');
    if (last.kind === 'fail') {
      expect(last.error).toBeInstanceOf(RetryLimitExceededError);
      expect(last.error.message).toContain('SubscribeToShard on shardId-000000000001 failed 3 times');
    }
  });

  it('calls the shard stalled after stallTimeouts silent subscriptions in a row, only when asked to', () => {
    const stalling = policy(2);
    expect(stalling.decide(silent()).kind).toBe('retry');
    expect(stalling.decide(silent())).toMatchObject({ kind: 'stalled', timeouts: 2 });

    const interrupted = policy(2);
    expect(interrupted.decide(silent()).kind).toBe('retry');
    // Another failure between two silences starts the count again.
    expect(interrupted.decide(awsError('LimitExceededException')).kind).toBe('retry');
    expect(interrupted.decide(silent()).kind).toBe('retry');

    const never = policy();
    expect(never.decide(silent()).kind).toBe('retry');
    expect(never.decide(silent()).kind).toBe('retry');
  });
});
