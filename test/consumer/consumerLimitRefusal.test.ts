// Which LimitExceededException answering RegisterStreamConsumer is the stream's consumer limit (no
// retry helps) and which is the rate or the CREATING limit (retried). The local Kinesis words its
// refusals one way; these cases cover the wordings and stream modes it cannot produce.
import { consumerLimitRefusal, type StreamConsumerCount } from '../../src/consumer/consumerLimitRefusal.js';
import { StreamConsumerLimitError } from '../../src/consumer/errors/StreamConsumerLimitError.js';

function refusal(message: string): Error {
  return Object.assign(new Error(message), { name: 'LimitExceededException' });
}

async function decide(
  message: string,
  summary: StreamConsumerCount | Error,
): Promise<{ error: StreamConsumerLimitError | undefined; asked: number }> {
  let asked = 0;
  const error = await consumerLimitRefusal(refusal(message), 'app', 'orders', () => {
    asked += 1;
    return summary instanceof Error ? Promise.reject(summary) : Promise.resolve(summary);
  });
  return { error, asked };
}

const provisioned = (consumerCount: number): StreamConsumerCount => ({
  consumerCount,
  streamMode: 'PROVISIONED',
});
const onDemand = (consumerCount: number): StreamConsumerCount => ({ consumerCount, streamMode: 'ON_DEMAND' });

describe('consumerLimitRefusal', () => {
  it('a rate refusal is retried, without asking the stream', async () => {
    const { error, asked } = await decide('Rate exceeded for account 123456789012.', provisioned(20));
    expect(error).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('a refusal naming CREATING consumers is retried, without asking the stream', async () => {
    const message =
      'Account 123456789012 already has 5 consumers in CREATING status; wait until one is ACTIVE.';
    expect(await decide(message, provisioned(20))).toEqual({ error: undefined, asked: 0 });
  });

  it('a refusal naming the stream limit, with that many consumers, is the consumer limit', async () => {
    const message = 'Number of consumers for stream orders under account 1 has reached the limit of 20.';
    const { error } = await decide(message, onDemand(20));
    expect(error).toBeInstanceOf(StreamConsumerLimitError);
    expect(error).toMatchObject({ limit: 20, consumerCount: 20, retriable: false, consumer: 'app' });
    // The count unknown (DescribeStreamSummary failed): the words decide.
    const unknown = await decide(message, new Error('throttled'));
    expect(unknown.error).toMatchObject({ limit: 20, consumerCount: undefined });
    expect(unknown.error?.message).toMatch(/^stream orders is at its limit of 20 registered consumers: /);
  });

  it('a refusal naming the limit while the stream has fewer (one was deregistered meanwhile) is retried', async () => {
    const message = 'Number of consumers for stream orders under account 1 has reached the limit of 20.';
    expect((await decide(message, provisioned(19))).error).toBeUndefined();
  });

  it('other wordings: the count and the mode decide', async () => {
    const message = 'Limit exceeded.';
    expect((await decide(message, provisioned(20))).error).toMatchObject({ limit: 20, consumerCount: 20 });
    expect((await decide(message, provisioned(19))).error).toBeUndefined();
    // On-demand: up to 50 with On-demand Advantage, which the summary does not show.
    expect((await decide(message, onDemand(20))).error).toBeUndefined();
    expect((await decide(message, onDemand(49))).error).toBeUndefined();
    expect((await decide(message, onDemand(50))).error).toMatchObject({ limit: 50, consumerCount: 50 });
    expect((await decide(message, new Error('unreachable'))).error).toBeUndefined();
  });
});
