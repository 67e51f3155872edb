// The stream's creation time (which stream of its name a consumer reads), asked of the embedded
// local Kinesis with DescribeStreamSummary limited to 1 call a second and its rate windows
// frozen: a budget used up stays so. DescribeStreamSummary is limited to 20 calls a second per
// account, so 80 workers starting together wait 4 s for their turns: a question throttled is
// asked again for THROTTLED_RETRY_MS, not a few times; once given up (or refused for want of
// permission), one warning says the re-created-stream check is off.
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { VirtualTimeScheduler } from 'rxjs';
import { StreamRecreatedError } from '../../src/consumer/errors/StreamRecreatedError.js';
import { resolveConsumerOptions } from '../../src/consumer/resolveConsumerOptions.js';
import { ShardListingCalls } from '../../src/consumer/ShardListingCalls.js';
import type { Logger } from '../../src/logging/Logger.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { FrozenDescribeBudget } from '../support/frozenDescribeBudget.js';
import { until } from '../support/streamRecords.js';

jest.setTimeout(60_000);

/** The local server's rate windows, frozen while a used-up budget must stay so. */
const budget = new FrozenDescribeBudget();

let kinesis: TestKinesis;
let admin: KinesisClient;
beforeAll(async () => {
  kinesis = await startTestKinesis({
    limits: { controlPlaneCallsPerSecond: { DescribeStreamSummary: 1 } },
    clock: budget.clock,
  });
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

function recorder(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return { logger: { debug: ignore, warn: (line: string) => warnings.push(line), error: ignore }, warnings };
}

/** `client` with its calls under way counted, and DescribeStreamSummary refused as `refusal` says. */
function watched(
  client: KinesisClient,
  refusal?: () => Error,
): { client: KinesisClient; inFlight: () => number; describes: () => number } {
  let inFlight = 0;
  let describes = 0;
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const sending = async (command: unknown, options?: unknown): Promise<unknown> => {
    const describe = command instanceof DescribeStreamSummaryCommand;
    if (describe) describes += 1;
    inFlight += 1;
    try {
      if (describe && refusal !== undefined) throw refusal();
      return await send(command, options);
    } finally {
      inFlight -= 1;
    }
  };
  const proxy = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? sending : (Reflect.get(target, property, receiver) as unknown),
  });
  return { client: proxy, inFlight: () => inFlight, describes: () => describes };
}

test('a question throttled more than 5 times in a row is asked again until answered', async () => {
  const streamName = uniqueStreamName('generationThrottled');
  await kinesis.createStream(streamName, 1);
  const { logger, warnings } = recorder();
  const client = kinesis.createClient();
  const options = { streamName, client, expoBackoff: 20, expoBackoffLimit: 20, logger };
  const calls = new ShardListingCalls(client, resolveConsumerOptions(options));
  try {
    await budget.useUp(admin, streamName);
    const throttledBefore = kinesis.stats!.throttledControlPlaneCalls;
    const listing = calls.list();
    await until(
      () => kinesis.stats!.throttledControlPlaneCalls - throttledBefore >= 10,
      'throttled 10 times',
      15_000,
    );
    budget.thaw();
    await listing;
    await kinesis.deleteStream(streamName);
    // Creation times have whole seconds: the new stream is created in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await kinesis.createStream(streamName, 1);
    expect(await calls.sameStream()).toBeInstanceOf(StreamRecreatedError);
    expect(warnings).toEqual([]);
  } finally {
    budget.thaw();
    await calls.stop();
    client.destroy();
  }
});

test('a question throttled for THROTTLED_RETRY_MS is given up: the listing goes on, with one warning', async () => {
  const streamName = uniqueStreamName('generationGivenUp');
  await kinesis.createStream(streamName, 1);
  const scheduler = new VirtualTimeScheduler();
  const { logger, warnings } = recorder();
  const own = kinesis.createClient();
  const { client, inFlight, describes } = watched(own);
  const options = { streamName, client, scheduler, expoBackoff: 1000, expoBackoffLimit: 4000, logger };
  const calls = new ShardListingCalls(client, resolveConsumerOptions(options));
  try {
    await budget.useUp(admin, streamName);
    let listed = false;
    const listing = calls.list().then((shards) => {
      listed = true;
      return shards;
    });
    // Runs the virtual timers between answers (a call's deadline timer is never reached).
    while (!listed) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (inFlight() > 0) continue;
      for (let i = scheduler.actions.length - 1; i >= 0; i -= 1)
        if (scheduler.actions[i]!.closed) scheduler.actions.splice(i, 1);
      const next = scheduler.actions[0];
      if (next === undefined) continue;
      scheduler.maxFrames = next.delay;
      scheduler.flush();
    }
    expect(await listing).toHaveLength(1);
    // About 30 s of back-off (at most 4 s each): more than 5 retries, and none after.
    expect(scheduler.now()).toBeGreaterThanOrEqual(30_000);
    expect(scheduler.now()).toBeLessThan(35_000);
    expect(describes()).toBeGreaterThan(7);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('kinesis:DescribeStreamSummary');
    expect(warnings[0]).toContain('not detected');
    // Unknown creation time: a confirmation asks nothing, and warns no more.
    const before = describes();
    expect(await calls.sameStream()).toBeUndefined();
    expect(describes()).toBe(before);
    expect(warnings).toHaveLength(1);
  } finally {
    budget.thaw();
    await calls.stop();
    own.destroy();
  }
});

test('without DescribeStreamSummary permission the listing goes on, with one warning in our words only', async () => {
  const streamName = uniqueStreamName('generationDenied');
  await kinesis.createStream(streamName, 1);
  const { logger, warnings } = recorder();
  const own = kinesis.createClient();
  const denied = (): Error =>
    Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/reader/i-0abc is not authorized to perform: ' +
          'kinesis:DescribeStreamSummary on resource: arn:aws:kinesis:us-east-1:123456789012:stream/x',
      ),
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
    );
  const { client, describes } = watched(own, denied);
  const calls = new ShardListingCalls(client, resolveConsumerOptions({ streamName, client, logger }));
  try {
    expect(await calls.list()).toHaveLength(1);
    expect(await calls.list()).toHaveLength(1);
    expect(await calls.sameStream()).toBeUndefined();
    expect(describes()).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('kinesis:DescribeStreamSummary');
    expect(warnings[0]).toContain('AccessDeniedException');
    expect(warnings[0]).not.toContain('123456789012');
    expect(warnings[0]).not.toContain('assumed-role');
  } finally {
    await calls.stop();
    own.destroy();
  }
});
