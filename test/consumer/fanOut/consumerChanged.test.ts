// SubscribeToShard failures that say another party changed the stream consumer: taken over by
// another reader (ResourceInUseException on an open subscription), or gone.
// After the stream consumer was deregistered (by another client, or with its
// stream): Kinesis answers ResourceNotFoundException naming the consumer. The reading fails with
// StreamConsumerNotActiveError (status 'not found'), not with StreamNotFoundError, whose stream
// may well still exist; a missing shard or stream keeps its own error.
import { StreamConsumerNotActiveError } from '../../../src/consumer/errors/StreamConsumerNotActiveError.js';
import { SubscriptionTakenOverError } from '../../../src/consumer/errors/SubscriptionTakenOverError.js';
import { SubscriptionRetryPolicy } from '../../../src/consumer/SubscriptionRetryPolicy.js';
import { StreamNotFoundError } from '../../../src/kinesis/errors/StreamNotFoundError.js';

const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1700000000';

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}

function policy(): SubscriptionRetryPolicy {
  return new SubscriptionRetryPolicy({
    streamName: 'orders',
    shardId: 'shardId-000000000001',
    backoff: { baseMs: 100, capMs: 1000, retryLimit: 2, random: () => 0.5 },
  });
}

test('a consumer not found fails the reading with StreamConsumerNotActiveError naming the consumer', () => {
  const thrown = awsError(
    'ResourceNotFoundException',
    `Consumer ${ARN} under account 123456789012 not found.`,
  );
  const decision = policy().decide(thrown);
  expect(decision.kind).toBe('fail');
  if (decision.kind !== 'fail') return;
  expect(decision.error).toBeInstanceOf(StreamConsumerNotActiveError);
  expect(decision.error).not.toBeInstanceOf(StreamNotFoundError);
  const error = decision.error as StreamConsumerNotActiveError;
  expect(error.consumer).toBe(ARN);
  expect(error.status).toBe('not found');
  expect(error.cause).toBe(thrown);
  expect(error.context).toMatchObject({ streamName: 'orders' });
  expect(error.message).toContain(ARN);
  // Found gone, not waited for: no "not ACTIVE after 0 ms".
  expect(error.message).toBe(
    `stream consumer ${ARN} of stream orders does not exist (status not found: deregistered, or its stream deleted)`,
  );
});

test('a stream or shard not found keeps StreamNotFoundError (a stream named like a consumer too)', () => {
  for (const message of [
    'Stream consumer-events under account 123456789012 not found.',
    'Shard shardId-000000000001 in stream orders under account 123456789012 does not exist',
  ]) {
    const decision = policy().decide(awsError('ResourceNotFoundException', message));
    expect(decision.kind).toBe('fail');
    if (decision.kind === 'fail') expect(decision.error).toBeInstanceOf(StreamNotFoundError);
  }
});

test('ResourceInUseException ending an open subscription (taken over) fails; refusing a call retries', () => {
  const inUse = awsError('ResourceInUseException', 'Another active subscription exists for this consumer');
  const refused = policy().decide(inUse);
  expect(refused).toMatchObject({ kind: 'retry', delayMs: 1000 });
  const takenOver = policy().decide(inUse, true);
  expect(takenOver.kind).toBe('fail');
  if (takenOver.kind !== 'fail') return;
  expect(takenOver.error).toBeInstanceOf(SubscriptionTakenOverError);
  expect(takenOver.error.retriable).toBe(false);
  expect(takenOver.error.cause).toBe(inUse);
  expect(takenOver.error.context).toMatchObject({ streamName: 'orders', shardId: 'shardId-000000000001' });
});
