import {
  DescribeStreamSummaryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import {
  LocalKinesisRequestError,
  LocalKinesisTimeoutError,
  LocalShardLimitError,
  startLocalKinesis,
  type LocalKinesis,
} from '../../src/local/index.js';

/*
 * How createStream() and deleteStream() of the local Kinesis fail: each way with its own typed
 * error, naming the stream, retriable as it should be, with the SDK's error as `cause`.
 */

async function failure(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

describe('local Kinesis helpers refused by the store', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ shardLimit: 6, streamStatusDelayMs: 0, streams: { first: 4 } });
  });

  afterAll(async () => {
    await local.close();
  });

  it('createStream() of a stream that exists fails with LocalKinesisRequestError, not retriable', async () => {
    const error = await failure(local.createStream('first', 1));
    expect(error).toBeInstanceOf(LocalKinesisRequestError);
    const refused = error as LocalKinesisRequestError;
    expect(refused.cause).toBeInstanceOf(ResourceInUseException);
    expect({
      operation: refused.operation,
      code: refused.code,
      retriable: refused.retriable,
      context: refused.context,
    }).toEqual({
      operation: 'createStream',
      code: 'ResourceInUseException',
      retriable: false,
      context: { streamName: 'first' },
    });
    expect(refused.message).toMatch(/^createStream\("first"\) failed: .*ResourceInUseException/);
  });

  it('createStream() past the account shard limit fails with LocalShardLimitError', async () => {
    const error = await failure(local.createStream('second', 3));
    expect(error).toBeInstanceOf(LocalShardLimitError);
    expect(error).toBeInstanceOf(RxjsKinesisError);
    const refused = error as LocalShardLimitError;
    expect({
      name: refused.name,
      retriable: refused.retriable,
      context: refused.context,
      requestedShards: refused.requestedShards,
      shardLimit: refused.shardLimit,
    }).toEqual({
      name: 'LocalShardLimitError',
      retriable: false,
      context: { streamName: 'second' },
      requestedShards: 3,
      shardLimit: 6,
    });
    expect(refused.message).toMatch(
      /^createStream\("second", 3\) exceeds the shard limit of 6: LimitExceededException: .*Current shard count for the account: 4\. Limit: 6\./,
    );
    // Within the limit the same helper works.
    await local.createStream('second', 2);
  });

  it('deleteStream() of a stream that does not exist fails with LocalKinesisRequestError, not retriable', async () => {
    const error = await failure(local.deleteStream('missing'));
    expect(error).toBeInstanceOf(LocalKinesisRequestError);
    const refused = error as LocalKinesisRequestError;
    expect(refused.cause).toBeInstanceOf(ResourceNotFoundException);
    expect([refused.operation, refused.code, refused.retriable, refused.context.streamName]).toEqual([
      'deleteStream',
      'ResourceNotFoundException',
      false,
      'missing',
    ]);
  });

  it('startLocalKinesis() with streams past the shard limit fails with LocalShardLimitError', async () => {
    const error = await failure(startLocalKinesis({ shardLimit: 2, streams: { big: 3 } }));
    expect(error).toBeInstanceOf(LocalShardLimitError);
    expect((error as LocalShardLimitError).context).toEqual({ streamName: 'big' });
  });
});

describe('LocalKinesisRequestError', () => {
  it('is retriable as the SDK error is, except for the answers that settle the call', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const inUse = Object.assign(new Error('in use'), { name: 'ResourceInUseException' });
    expect(new LocalKinesisRequestError('createStream', 's', throttled).retriable).toBe(true);
    expect(new LocalKinesisRequestError('deleteStream', 's', reset).retriable).toBe(true);
    expect(new LocalKinesisRequestError('createStream', 's', inUse).retriable).toBe(false);
    // Deleting a stream being created (or updated) can succeed once it is ACTIVE.
    expect(new LocalKinesisRequestError('deleteStream', 's', inUse).retriable).toBe(true);
  });
});

/** Everything but Date stays real: the helpers' requests and polls run as usual. */
const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** Polls (bounded by count: Date stands still here) until the stream is in `status`. */
async function untilStatus(client: KinesisClient, streamName: string, status: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    try {
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (summary.StreamDescriptionSummary?.StreamStatus === status) return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${streamName} never became ${status}`);
}

describe('local Kinesis helpers waiting past their limit', () => {
  /** The stream stays CREATING longer than the old 30 s wait (and than the test runs). */
  const STATUS_DELAY_MS = 45_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeEach(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: STATUS_DELAY_MS });
    client = local.createClient();
    // Date moves only when the test moves it.
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: Date.now() });
  });

  afterEach(async () => {
    jest.useRealTimers();
    client.destroy();
    await local.close();
  });

  it('createStream() waits 30 s past streamStatusDelayMs, then fails with LocalKinesisTimeoutError', async () => {
    const pending = failure(local.createStream('slow', 1));
    let settled = false;
    void pending.then(() => (settled = true));
    await untilStatus(client, 'slow', 'CREATING');

    // Past 30 s, but not past 30 s after the status delay: still waiting.
    jest.setSystemTime(Date.now() + 40_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);

    jest.setSystemTime(Date.now() + 40_000);
    const error = await pending;
    expect(error).toBeInstanceOf(LocalKinesisTimeoutError);
    const timedOut = error as LocalKinesisTimeoutError;
    expect({
      name: timedOut.name,
      operation: timedOut.operation,
      waitedMs: timedOut.waitedMs,
      retriable: timedOut.retriable,
      context: timedOut.context,
      message: timedOut.message,
    }).toEqual({
      name: 'LocalKinesisTimeoutError',
      operation: 'createStream',
      waitedMs: 75_000,
      retriable: false,
      context: { streamName: 'slow' },
      message: 'createStream("slow"): the stream was not ACTIVE after 75000 ms',
    });
  });
});
