import { boundedCredentials } from '../../src/kinesis/boundedCredentials.js';
import { classifyError } from '../../src/kinesis/classifyError.js';
import type { KinesisCredentials } from '../../src/kinesis/createKinesisClient.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

const CREDENTIALS: KinesisCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('boundedCredentials', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails a call the provider does not answer within the deadline, as a timed-out request', async () => {
    const { provider } = boundedCredentials(() => new Promise(() => undefined), 1_000);
    const outcome = provider().catch((caught: unknown) => caught);
    await jest.advanceTimersByTimeAsync(999);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect((error as Error).message).toBe(
      'the credentials provider gave no credentials within 1000 ms (timed out)',
    );
    expect(classifyError(error)).toBeInstanceOf(RequestTimeoutError);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes the answer and the arguments through, and leaves no timer behind', async () => {
    const given: unknown[][] = [];
    const { provider } = boundedCredentials((...args: unknown[]) => {
      given.push(args);
      return Promise.resolve(CREDENTIALS);
    }, 1_000);
    await expect(
      (provider as (...args: unknown[]) => Promise<KinesisCredentials>)({ forceRefresh: true }),
    ).resolves.toBe(CREDENTIALS);
    expect(given).toEqual([[{ forceRefresh: true }]]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("passes the provider's failure through, thrown or rejected", async () => {
    const failure = new Error('no credentials');
    const rejecting = boundedCredentials(() => Promise.reject(failure), 1_000);
    await expect(rejecting.provider()).rejects.toBe(failure);
    const throwing = boundedCredentials(() => {
      throw failure;
    }, 1_000);
    await expect(throwing.provider()).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores an answer that comes after the deadline', async () => {
    let answer: (credentials: KinesisCredentials) => void = () => undefined;
    const { provider } = boundedCredentials(() => new Promise((resolve) => (answer = resolve)), 10);
    const outcome = provider().catch((caught: unknown) => caught);
    await jest.advanceTimersByTimeAsync(10);
    answer(CREDENTIALS);
    await expect(outcome).resolves.toMatchObject({ name: 'TimeoutError' });
  });

  it('cancel() ends the calls still waiting and their timers', async () => {
    const { provider, cancel } = boundedCredentials(() => new Promise(() => undefined), 60_000);
    const outcome = provider().catch((caught: unknown) => caught);
    expect(jest.getTimerCount()).toBe(1);
    cancel();
    await expect(outcome).resolves.toMatchObject({ name: 'AbortError' });
    expect(jest.getTimerCount()).toBe(0);
  });
});
