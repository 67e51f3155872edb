import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { ensureStream } from '../../src/kinesis/ensureStream.js';
import { AbortedError } from '../../src/kinesis/errors/AbortedError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import type { StartTimer } from '../../src/kinesis/startTimer.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

jest.setTimeout(60_000);

// Kinesis reads every request and never answers; the client is the SDK's default (no deadlines).
describe('ensureStream through a client without deadlines, against Kinesis that never answers', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  beforeAll(async () => {
    local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
    client = new KinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestHandler: new NodeHttpHandler(),
    });
  });
  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  /** setTimeout timers, counted: those started and those still pending. */
  function countedTimers(): { startTimer: StartTimer; started: number; pending: number } {
    const counts = { started: 0, pending: 0 };
    const startTimer: StartTimer = (fire, ms) => {
      counts.started += 1;
      counts.pending += 1;
      let live = true;
      const timer = setTimeout(() => {
        live = false;
        counts.pending -= 1;
        fire();
      }, ms);
      return () => {
        if (!live) return;
        live = false;
        counts.pending -= 1;
        clearTimeout(timer);
      };
    };
    return Object.assign(counts, { startTimer });
  }

  it('with callTimeoutMs, gives each call up at its deadline and fails once connection failures last connectionFailureTimeoutMs', async () => {
    const timers = countedTimers();
    const holes = local.stats.injectedBlackHoles;
    const error = await ensureStream(client, parseStreamAddress('never-answered'), {
      create: true,
      callTimeoutMs: 300,
      connectionFailureTimeoutMs: 1000,
      pollIntervalMs: 100,
      startTimer: timers.startTimer,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).message).toBe('DescribeStreamSummary got no answer within 300 ms');
    expect((error as RequestTimeoutError).context.streamName).toBe('never-answered');
    // Several calls, each abandoned at 300 ms; the waits between them ran on the same timers.
    expect(local.stats.injectedBlackHoles - holes).toBeGreaterThanOrEqual(3);
    expect(timers.started).toBeGreaterThanOrEqual(5);
    expect(timers.pending).toBe(0);
  });

  it('aborts a call in flight when abortSignal aborts, cancelling its deadline', async () => {
    const timers = countedTimers();
    const controller = new AbortController();
    const holes = local.stats.injectedBlackHoles;
    const ensuring = ensureStream(client, parseStreamAddress('aborted'), {
      callTimeoutMs: 60_000,
      startTimer: timers.startTimer,
      abortSignal: controller.signal,
    }).catch((caught: unknown) => caught);
    while (local.stats.injectedBlackHoles === holes) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(timers.pending).toBe(1);
    controller.abort();
    expect(await ensuring).toBeInstanceOf(AbortedError);
    expect(timers.pending).toBe(0);
  });

  it('refuses a callTimeoutMs that is not a positive number of milliseconds', async () => {
    for (const callTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(ensureStream(client, parseStreamAddress('x'), { callTimeoutMs })).rejects.toBeInstanceOf(
        InvalidOptionError,
      );
    }
  });
});
