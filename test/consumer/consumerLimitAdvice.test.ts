import { limitExceededAdvice } from '../../src/consumer/consumerLimitAdvice.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';

const gaveUp = (): RetryLimitExceededError =>
  new RetryLimitExceededError('Gave up after 3 attempts', {
    attempts: 3,
    cause: new ThrottledError('Rate exceeded', { code: 'LimitExceededException' }),
    code: 'LimitExceededException',
  });

async function adviceFor(count: number | undefined): Promise<string> {
  const advised = await limitExceededAdvice(gaveUp(), () => Promise.resolve(count));
  return (advised as RetryLimitExceededError).message;
}

describe('limitExceededAdvice', () => {
  it('counts registered consumers in the right number', async () => {
    expect(await adviceFor(1)).toContain('The stream has 1 registered consumer: it may be at');
    expect(await adviceFor(0)).toContain('The stream has 0 registered consumers: it may be at');
    expect(await adviceFor(20)).toContain('The stream has 20 registered consumers: it may be at');
    expect(await adviceFor(undefined)).toContain('The stream may be at its consumer limit');
  });
});
