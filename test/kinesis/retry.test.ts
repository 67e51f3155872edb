import { ProvisionedThroughputExceededException, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { AbortedError } from '../../src/kinesis/errors/AbortedError.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { retry } from '../../src/kinesis/retry.js';

const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });

/** A sleep that records the delays and returns at once. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe('retry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const { delays, sleep } = recordingSleep();
    const seen: number[] = [];
    const result = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 2) throw throttled();
        return 'ok';
      },
      { sleep, baseMs: 10, capMs: 1000, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([0, 1, 2]);
    expect(delays).toEqual([5, 10]);
  });

  it('calls onRetry with the classified error, the coming attempt and the delay', async () => {
    const { sleep } = recordingSleep();
    const calls: Array<[RxjsKinesisError, number, number]> = [];
    await retry(
      async (attempt) => {
        if (attempt === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        if (attempt === 1) throw throttled();
        return attempt;
      },
      { sleep, baseMs: 100, random: () => 0.25, onRetry: (...args) => void calls.push(args) },
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]![0]).toBeInstanceOf(ConnectionError);
    expect(calls[0]!.slice(1)).toEqual([1, 25]);
    expect(calls[1]![0]).toBeInstanceOf(ThrottledError);
    expect(calls[1]!.slice(1)).toEqual([2, 50]);
  });

  it('throws a non-retriable error at once, classified', async () => {
    const { delays, sleep } = recordingSleep();
    let calls = 0;
    const failure = new ResourceNotFoundException({ message: 'Stream x not found', $metadata: {} });
    const promise = retry(
      async () => {
        calls += 1;
        throw failure;
      },
      { sleep, context: { streamName: 'x' } },
    );
    await expect(promise).rejects.toBeInstanceOf(StreamNotFoundError);
    await expect(promise).rejects.toMatchObject({ cause: failure, context: { streamName: 'x' } });
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('throws RetryLimitExceededError with the last error as cause after retryLimit retries', async () => {
    const { delays, sleep } = recordingSleep();
    let calls = 0;
    const error = await retry(
      async () => {
        calls += 1;
        throw throttled();
      },
      { sleep, retryLimit: 3, random: () => 0, context: { streamName: 's' } },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
    expect(error).toBeInstanceOf(RetryLimitExceededError);
    const limit = error as RetryLimitExceededError;
    expect(limit.attempts).toBe(4);
    expect(limit.retriable).toBe(false);
    expect(limit.code).toBe('ProvisionedThroughputExceededException');
    expect(limit.cause).toBeInstanceOf(ThrottledError);
    expect(limit.context).toEqual({ streamName: 's' });
    expect(limit.message).toMatch(/after 4 attempts/);
  });

  it('with retryLimit 0 tries once', async () => {
    let calls = 0;
    const promise = retry(
      async () => {
        calls += 1;
        throw throttled();
      },
      { retryLimit: 0 },
    );
    await expect(promise).rejects.toBeInstanceOf(RetryLimitExceededError);
    expect(calls).toBe(1);
  });

  it('uses a custom isRetriable', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    const promise = retry(
      async () => {
        calls += 1;
        throw throttled();
      },
      { sleep, isRetriable: () => false },
    );
    await expect(promise).rejects.toBeInstanceOf(ThrottledError);
    expect(calls).toBe(1);

    const result = await retry(
      async (attempt) => {
        if (attempt === 0) throw new Error('plain errors are normally final');
        return 'retried';
      },
      { sleep, isRetriable: () => true },
    );
    expect(result).toBe('retried');
  });

  it('stops waiting and rejects with AbortedError when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const promise = retry(
      async () => {
        calls += 1;
        throw throttled();
      },
      // A real timer of 10 s: the abort must end the wait, not the timer.
      { baseMs: 10_000, capMs: 10_000, random: () => 0.999, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    const started = Date.now();
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).message).toMatch(/shutting down/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(calls).toBe(1);
  });

  it('aborts an injected sleep too, and never starts when already aborted', async () => {
    const controller = new AbortController();
    const never = () => new Promise<void>(() => undefined);
    const promise = retry(
      async () => {
        throw throttled();
      },
      { sleep: never, signal: controller.signal },
    );
    controller.abort();
    await expect(promise).rejects.toBeInstanceOf(AbortedError);

    let calls = 0;
    await expect(retry(async () => void (calls += 1), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(calls).toBe(0);
  });

  it('validates its options before calling the operation', async () => {
    let calls = 0;
    const operation = async () => void (calls += 1);
    await expect(retry(operation, { baseMs: -1 })).rejects.toThrow(InvalidOptionError);
    await expect(retry(operation, { retryLimit: 2.5 })).rejects.toThrow(InvalidOptionError);
    await expect(retry(operation, { sleep: 5 as unknown as () => Promise<void> })).rejects.toThrow(
      InvalidOptionError,
    );
    expect(calls).toBe(0);
  });
});
