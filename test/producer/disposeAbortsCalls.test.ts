import { KinesisClient } from '@aws-sdk/client-kinesis';
import { Subject, VirtualTimeScheduler, type Subscription } from 'rxjs';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisFaults } from '../../src/local/LocalKinesisFaults.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { CaptureLogger } from '../support/captureLogger.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { RecordingHandler } from './support/RecordingHandler.js';

jest.setTimeout(60_000);

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// The producer's timers run on a virtual scheduler that the test never advances: whatever the
// producer left scheduled stays in `scheduler.actions`, and no deadline fires by itself.
describe('disposing a producer whose calls through a caller’s client are in flight', () => {
  let local: LocalKinesis | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  async function start(faults: LocalKinesisFaults, streams: Record<string, number> = {}) {
    local = await startLocalKinesis({ faults, streams });
    const handler = new RecordingHandler();
    const client = new KinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestHandler: handler,
    });
    return { handler, client };
  }

  function produce(client: KinesisClient, streamName: string, extra: { createStream?: boolean } = {}) {
    const scheduler = new VirtualTimeScheduler();
    const logger = new CaptureLogger();
    const items = new Subject<number>();
    const flushes = new Subject<void>();
    const reports: DeliveryReport<number>[] = [];
    const ended: string[] = [];
    const subscription: Subscription = items
      .pipe(
        toKinesis<number>({
          streamName,
          client,
          scheduler,
          logger,
          flushOn: flushes,
          flushOnUnsubscribe: false,
          ...extra,
        }),
      )
      .subscribe({
        next: (report) => reports.push(report),
        error: () => ended.push('error'),
        complete: () => ended.push('complete'),
      });
    return { scheduler, logger, items, flushes, reports, ended, subscription };
  }

  it('aborts a PutRecords call, cancels its deadline, and ignores its late answer', async () => {
    const streamName = uniqueStreamName('dispose-put');
    // Every answer comes 1.5 s late: the call is still in flight when the producer is disposed.
    const { handler, client } = await start({ latencyMs: 1500 }, { [streamName]: 1 });
    const run = produce(client, streamName);
    await until(() => handler.requests.some((r) => r.api === 'ListShards' && r.answered), 'the shard map');
    run.items.next(1);
    run.flushes.next();
    await until(() => handler.requests.some((r) => r.api === 'PutRecords'), 'the PutRecords call');
    // Its deadline (connectTimeout + requestTimeout) is scheduled: the check below is not vacuous.
    expect(run.scheduler.actions.length).toBeGreaterThan(0);

    run.subscription.unsubscribe();
    expect(run.scheduler.actions).toHaveLength(0);
    const put = handler.requests.find((r) => r.api === 'PutRecords')!;
    expect(put.signal?.aborted).toBe(true);

    // The answer would have come by now: nothing changes.
    const logged = run.logger.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(put.answered).toBe(false);
    expect(run.reports).toEqual([]);
    expect(run.ended).toEqual([]);
    expect(run.scheduler.actions).toHaveLength(0);
    expect(run.logger.lines.length).toBe(logged);
    expect(handler.requests.filter((r) => r.api === 'PutRecords')).toHaveLength(1);
    client.destroy();
  });

  it('aborts the first ListShards call and cancels its deadline', async () => {
    const { handler, client } = await start({ blackHoleRate: 1 });
    const run = produce(client, uniqueStreamName('dispose-list'));
    await until(() => local!.stats.injectedBlackHoles >= 1, 'the ListShards call');
    expect(run.scheduler.actions.length).toBeGreaterThan(0);
    run.subscription.unsubscribe();
    expect(run.scheduler.actions).toHaveLength(0);
    expect(handler.requests.map((r) => r.api)).toEqual(['ListShards']);
    expect(handler.requests.every((r) => r.signal?.aborted === true)).toBe(true);
    client.destroy();
  });

  it('with createStream: stops ensureStream, aborting its call and cancelling its deadline', async () => {
    const { handler, client } = await start({ blackHoleRate: 1 });
    const run = produce(client, uniqueStreamName('dispose-create'), { createStream: true });
    await until(() => local!.stats.injectedBlackHoles >= 1, 'the DescribeStreamSummary call');
    // ensureStream's call has the producer's deadline, on the producer's scheduler.
    expect(run.scheduler.actions.length).toBeGreaterThan(0);
    run.subscription.unsubscribe();
    expect(run.scheduler.actions).toHaveLength(0);
    expect(handler.requests.map((r) => r.api)).toEqual(['DescribeStreamSummary']);
    expect(handler.requests.every((r) => r.signal?.aborted === true)).toBe(true);
    // Nothing more is asked after the abort (no ListShards, no retry).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(handler.requests).toHaveLength(1);
    expect(run.ended).toEqual([]);
    client.destroy();
  });
});
