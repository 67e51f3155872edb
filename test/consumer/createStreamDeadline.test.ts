// fromKinesis({ createStream: true }) waits for the stream it creates on the consumer's scheduler
// and, through a client of the caller's own (the SDK's default handler waits for an answer for
// ever), gives each of those calls the deadline of the consumer's other calls. It used to wait on
// real timers with no deadline: a black-holed DescribeStreamSummary held the consumer for good.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom } from 'rxjs';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { FastForwardScheduler } from '../support/fastForwardScheduler.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(90_000);

/** A plain SDK client: no connection or request timeouts, no SDK retries. */
function callerClient(local: LocalKinesis): KinesisClient {
  return new KinesisClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

/** Subscribes a createStream consumer, moves its clock `ms` ahead, and returns how it ended (or 'running'). */
async function runFor(
  local: LocalKinesis,
  ms: number,
  deadline: { connectTimeout: number; requestTimeout: number },
): Promise<unknown> {
  const scheduler = new FastForwardScheduler();
  const client = callerClient(local);
  const consumer = fromKinesis({
    streamName: uniqueStreamName('created'),
    client,
    createStream: true,
    ...deadline,
    scheduler,
  });
  let outcome: unknown = 'running';
  const ended = lastValueFrom(consumer).then(
    () => (outcome = 'completed'),
    (error: unknown) => (outcome = error),
  );
  try {
    await scheduler.advance(ms, Math.ceil(ms / 250));
    // Real time for the last answers (and for a consumer that waits on real timers: none come).
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    return outcome;
  } finally {
    client.destroy();
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let cause = error; cause !== undefined; cause = (cause as { cause?: unknown }).cause)
    chain.push(cause);
  return chain;
}

test('every call black-holed: gives each call the deadline and fails with a ConnectionError once failures last connectionFailureTimeout', async () => {
  const local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
  try {
    const outcome = await runFor(local, 30_000, { connectTimeout: 200, requestTimeout: 300 });
    expect(outcome).toBeInstanceOf(ConnectionError);
    expect(causes(outcome).some((cause) => cause instanceof RequestTimeoutError)).toBe(true);
    expect(String((outcome as Error).message)).toMatch(/within 500 ms/);
  } finally {
    await local.close();
  }
});

test('a stream that stays CREATING: the wait for it runs on the consumer scheduler', async () => {
  const local = await startLocalKinesis({ streamStatusDelayMs: 60_000 });
  try {
    // Each call's deadline (30 s) far past the clock's steps (250 ms every 10 ms or more of real
    // time), so that a slow answer on a loaded machine is not taken for a lost one.
    const outcome = await runFor(local, 125_000, { connectTimeout: 5_000, requestTimeout: 25_000 });
    expect(outcome).toBeInstanceOf(StreamNotActiveError);
    expect((outcome as Error).message).toMatch(
      /did not become ACTIVE within 120000 ms \(last status CREATING\)/,
    );
  } finally {
    await local.close();
  }
});
