// toKinesis() from the browser entry in a real browser: a page (bundled with esbuild from
// fixtures/clickstream.ts, served from its own origin) pipes fromEvent streams into the embedded
// Kinesis (CORS on, another port) from headless Chromium; the records are read back with the
// Node SDK.
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Page } from 'playwright-core';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { PageEvent } from './support/PageEvent.js';
import { bundleForBrowser } from './support/bundle.js';
import { launchChromium, type RunningChromium } from './support/chromium.js';
import { servePage, type PageServer } from './support/pageServer.js';

interface PageGlobals {
  kinesisTest: unknown;
  kinesisReports: DeliveryReport<PageEvent>[];
  kinesisErrors: string[];
  kinesisFlush: { next(): void };
  kinesisReady: boolean;
  dispatchEvent(event: unknown): boolean;
  document: {
    dispatchEvent(event: unknown): boolean;
    addEventListener(type: string, listener: () => void): void;
    readonly visibilityState: string;
  };
  CustomEvent: new (type: string, init: { detail: unknown }) => unknown;
  Event: new (type: string) => unknown;
}

interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly events: PageEvent[];
}

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>clickstream</title></head>
<body><button id="buy">Buy</button><script type="module" src="/app.js"></script></body></html>`;

/** Every record of the stream, its events decoded (one per record, or a KPL aggregate's). */
async function readStream(client: KinesisClient, streamName: string, kpl: boolean): Promise<StoredRecord[]> {
  const processor = kplJsonProcessor<PageEvent>();
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const records: StoredRecord[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId as string;
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let page = 0; iterator !== undefined && page < 100; page += 1) {
      const answer = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of answer.Records ?? []) {
        const data = record.Data as Uint8Array;
        const partitionKey = record.PartitionKey as string;
        const events = kpl
          ? processor.aggregator
              .deaggregate({ data, partitionKey })
              .map((item) => processor.serializer.deserialize(item.data))
          : [JSON.parse(Buffer.from(data).toString('utf8')) as PageEvent];
        records.push({ shardId, sequenceNumber: record.SequenceNumber as string, partitionKey, events });
      }
      if ((answer.Records ?? []).length === 0) break;
      iterator = answer.NextShardIterator;
    }
  }
  return records;
}

async function waitForRecords(
  client: KinesisClient,
  streamName: string,
  kpl: boolean,
  events: number,
): Promise<StoredRecord[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const records = await readStream(client, streamName, kpl);
    const stored = records.reduce((total, record) => total + record.events.length, 0);
    if (stored >= events || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('toKinesis() in Chromium', () => {
  let local: LocalKinesis;
  let server: PageServer;
  let browser: RunningChromium;
  let client: KinesisClient;
  const pages: Page[] = [];

  beforeAll(async () => {
    const bundle = await bundleForBrowser(join(__dirname, 'fixtures', 'clickstream.ts'));
    server = await servePage(HTML, bundle.code);
    local = await startLocalKinesis({
      cors: { origins: [server.origin] },
      streams: {
        clicks: 1,
        'clicks-kpl': 4,
        'page-hide': 2,
        'page-hidden': 1,
        'hide-listener': 1,
        offline: 1,
      },
      streamStatusDelayMs: 0,
    });
    client = local.createClient();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pages.map((page) => page.close()));
    await browser?.close();
    client?.destroy();
    await local?.close();
    await server?.close();
  });

  /** Opens the page, producing to `streamName`, and waits until its pipeline is subscribed. */
  async function openPage(streamName: string, kpl: boolean, bufferTime: number): Promise<Page> {
    const page = await browser.context.newPage();
    pages.push(page);
    const settings = { endpoint: local.endpoint, region: local.region, streamName, kpl, bufferTime };
    await page.addInitScript((value) => {
      (globalThis as unknown as PageGlobals).kinesisTest = value;
    }, settings);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).kinesisReady === true,
      undefined,
      {
        timeout: 30_000,
      },
    );
    expect(problems).toEqual([]);
    return page;
  }

  async function track(page: Page, from: number, count: number): Promise<void> {
    await page.evaluate(
      ({ from, count }) => {
        const scope = globalThis as unknown as PageGlobals;
        for (let n = from; n < from + count; n += 1) {
          scope.document.dispatchEvent(
            new scope.CustomEvent('track', { detail: { n, user: `user-${n % 7}` } }),
          );
        }
      },
      { from, count },
    );
  }

  const reportsOf = (page: Page) =>
    page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobals;
      return { reports: scope.kinesisReports, errors: scope.kinesisErrors };
    });

  async function waitForReports(page: Page, count: number): Promise<DeliveryReport<PageEvent>[]> {
    await page.waitForFunction(
      (expected) => (globalThis as unknown as PageGlobals).kinesisReports.length >= expected,
      count,
      { timeout: 60_000 },
    );
    const { reports, errors } = await reportsOf(page);
    expect(errors).toEqual([]);
    return reports;
  }

  it.each([
    ['JSON records on one shard', 'clicks', false],
    ['KPL aggregated records on four shards (MD5 shard prediction in the browser)', 'clicks-kpl', true],
  ])('delivers clicks and custom events: %s', async (_label, streamName, kpl) => {
    const page = await openPage(streamName, kpl, 100);
    for (let i = 0; i < 3; i += 1) await page.click('#buy');
    await track(page, 0, 60);

    const reports = await waitForReports(page, 63);
    expect(reports).toHaveLength(63);
    expect(reports.filter((report) => report.status !== 'delivered')).toEqual([]);

    const records = await waitForRecords(client, streamName, kpl, 63);
    const stored = records.flatMap((record) => record.events);
    const expected: PageEvent[] = [
      ...[0, 1, 2].map((n): PageEvent => ({ kind: 'click', n, user: 'clicker' })),
      ...Array.from({ length: 60 }, (_, n): PageEvent => ({ kind: 'track', n, user: `user-${n % 7}` })),
    ];
    const order = (a: PageEvent, b: PageEvent) => a.kind.localeCompare(b.kind) || a.n - b.n;
    expect([...stored].sort(order)).toEqual([...expected].sort(order));

    // Each report names the shard and record the event is in: with KPL, the shard the browser
    // predicted (MD5 of the key) for the whole aggregate is the one Kinesis chose.
    const recordOf = new Map(records.map((record) => [record.sequenceNumber, record]));
    for (const report of reports) {
      if (report.status !== 'delivered') continue;
      const record = recordOf.get(report.sequenceNumber);
      expect(record?.shardId).toBe(report.shardId);
      expect(record?.events).toContainEqual(report.item);
    }
    if (kpl) {
      expect(new Set(records.map((record) => record.shardId)).size).toBeGreaterThan(1);
      expect(records.length).toBeLessThan(63);
    }
  });

  it('sends what is buffered when the page is hidden (visibilitychange), long before bufferTime', async () => {
    const page = await openPage('page-hidden', false, 600_000);
    // The first item goes out on an explicit flush: the producer has its shard map from then on.
    await track(page, 0, 1);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).kinesisFlush.next());
    await waitForReports(page, 1);

    await track(page, 1, 20);
    await page.waitForTimeout(500);
    expect((await reportsOf(page)).reports).toHaveLength(1);
    await page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobals;
      Object.defineProperty(scope.document, 'visibilityState', { value: 'hidden', configurable: true });
      scope.document.dispatchEvent(new scope.Event('visibilitychange'));
    });
    const reports = await waitForReports(page, 21);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    const records = await waitForRecords(client, 'page-hidden', false, 21);
    expect(records).toHaveLength(21);
  });

  it("sends an event tracked by the page's own hide listener (added after the producer's) at once", async () => {
    const page = await openPage('hide-listener', false, 600_000);
    await track(page, 0, 1);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).kinesisFlush.next());
    await waitForReports(page, 1);

    await page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobals;
      scope.document.addEventListener('visibilitychange', () => {
        if (scope.document.visibilityState !== 'hidden') return;
        scope.document.dispatchEvent(new scope.CustomEvent('track', { detail: { n: 1, user: 'hidden' } }));
      });
      Object.defineProperty(scope.document, 'visibilityState', { value: 'hidden', configurable: true });
      scope.document.dispatchEvent(new scope.Event('visibilitychange'));
    });
    const reports = await waitForReports(page, 2);
    expect(reports[1]).toMatchObject({ status: 'delivered', item: { kind: 'track', n: 1, user: 'hidden' } });
    expect(await waitForRecords(client, 'hide-listener', false, 2)).toHaveLength(2);
  });

  it('keeps items while the browser is offline and delivers them when it is back online', async () => {
    const page = await openPage('offline', false, 50);
    await track(page, 0, 1);
    await waitForReports(page, 1);

    let failedRequests = 0;
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(local.endpoint)) failedRequests += 1;
    });
    await browser.context.setOffline(true);
    await track(page, 1, 10);
    // Offline for longer than the first retries' back-off: nothing fails, nothing is delivered,
    // and the request waits for the online event instead of failing again and again.
    await page.waitForTimeout(3_000);
    expect((await reportsOf(page)).reports).toHaveLength(1);
    expect(failedRequests).toBe(0);
    await browser.context.setOffline(false);

    const reports = await waitForReports(page, 11);
    expect(reports.filter((report) => report.status !== 'delivered')).toEqual([]);
    const records = await waitForRecords(client, 'offline', false, 11);
    expect(records.flatMap((record) => record.events.map((event) => event.n)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 11 }, (_, n) => n),
    );
  });

  it('sends what is buffered when the page goes away (pagehide on navigation)', async () => {
    const page = await openPage('page-hide', false, 600_000);
    await track(page, 0, 1);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).kinesisFlush.next());
    await waitForReports(page, 1);

    await track(page, 1, 10);
    await page.waitForTimeout(300);
    expect((await reportsOf(page)).reports).toHaveLength(1);
    // Leaving the page fires pagehide; the requests it starts are sent with fetch keepalive.
    await page.goto(`${server.origin}/next`);
    const records = await waitForRecords(client, 'page-hide', false, 11);
    expect(records.flatMap((record) => record.events.map((event) => event.n)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 11 }, (_, n) => n),
    );
  });
});
