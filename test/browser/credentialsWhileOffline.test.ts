// A credentials provider that goes over the network (Cognito, STS) while the browser is offline:
// the SDK asks it before the request reaches the fetch handler (which waits for the `online`
// event), so the call for credentials waits for the network too, instead of failing and being
// retried with back-off until after the network is back. Headless Chromium, offline through the
// browser context (navigator.onLine false, then the `online` event), against the embedded Kinesis.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { bundleForBrowser } from './support/bundle.js';
import { launchChromium, type RunningChromium } from './support/chromium.js';
import { servePage, type PageServer } from './support/pageServer.js';

interface PageGlobals {
  kinesisTest: unknown;
  providerCalls: number;
  kinesisReports: { status: string }[];
  startProducer: () => void;
  kinesisReady: boolean;
}

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>offline</title></head>
<body><script type="module" src="/app.js"></script></body></html>`;

describe('browser Producer: a credentials provider while the browser is offline', () => {
  let local: LocalKinesis;
  let server: PageServer;
  let browser: RunningChromium;
  let page: Page;

  beforeAll(async () => {
    const bundle = await bundleForBrowser(join(__dirname, 'fixtures', 'offlineCredentials.ts'));
    server = await servePage(HTML, bundle.code);
    local = await startLocalKinesis({
      cors: { origins: [server.origin] },
      streams: { offline: 1 },
      streamStatusDelayMs: 0,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await local?.close();
    await server?.close();
  });

  it('is not asked while offline, and is asked once the network is back: the item is delivered', async () => {
    page = await browser.context.newPage();
    const settings = { endpoint: local.endpoint, region: local.region, streamName: 'offline' };
    await page.addInitScript((value) => {
      (globalThis as unknown as PageGlobals).kinesisTest = value;
    }, settings);
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).kinesisReady === true);

    await browser.context.setOffline(true);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).startProducer());
    // The producer asks for the stream's shards at once: without the wait, the provider is
    // called (and fails) within milliseconds, and again at each retry.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).providerCalls)).toBe(0);

    await browser.context.setOffline(false);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).kinesisReports.length >= 1,
      undefined,
      { timeout: 60_000 },
    );
    const { calls, reports } = await page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobals;
      return { calls: scope.providerCalls, reports: scope.kinesisReports.map((report) => report.status) };
    });
    expect(reports).toEqual(['delivered']);
    expect(calls).toBeGreaterThanOrEqual(1);
  });
});
