// An item that waits for room in the queue while the page is hidden is sent once it is in, not
// after bufferTime: the page-hide flush ran before it was in, and a page in the background may be
// frozen or closed first. Told as it was given (put(), send()), the flush missed it.
import { Producer, jsonProcessor, type DeliveryReport } from '../../src/browser/index.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { waitFor } from '../support/streamRecords.js';
import { testPage } from '../platform/pageEnvironment.js';

jest.setTimeout(120_000);

// Answers come late enough for the page to hide while an item waits for room.
const kinesis = useTestKinesis({ faults: { latencyMs: 500 } });

type PageScope = { window?: unknown; document?: unknown };

describe('browser Producer: an item waiting for room while the page hides', () => {
  const scope = globalThis as PageScope;
  let page: ReturnType<typeof testPage>;
  beforeEach(() => {
    page = testPage();
    scope.window = page.window;
    scope.document = page.document;
  });
  afterEach(() => {
    delete scope.window;
    delete scope.document;
  });

  for (const how of ['put', 'send', 'putAll'] as const) {
    it(`${how}(): sent once it is in`, async () => {
      const streamName = uniqueStreamName('hidden-wait');
      await kinesis.createStream(streamName, 1);
      const producer = new Producer<number>({
        streamName,
        endpoint: kinesis.endpoint,
        region: kinesis.region,
        credentials: kinesis.credentials,
        processor: jsonProcessor<number>(),
        // Far longer than the test waits: only the page's state can send the item.
        bufferTime: 600_000,
        maxQueueSize: 2,
      });
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      try {
        // The shard map is loaded; then two items fill the queue (sent at once, as full).
        await producer.put(0);
        await producer.flush();
        await producer.put(1);
        await producer.put(2);
        const given = how === 'putAll' ? producer.putAll([3]) : producer[how](3);
        given.catch(() => undefined);
        page.document.visibilityState = 'hidden';
        page.document.dispatch('visibilitychange');
        await waitFor(() => reports.length === 4, {
          timeoutMs: 30_000,
          message: () => `${reports.length} reports`,
        });
        expect(reports.map((report) => [report.item, report.status])).toEqual([
          [0, 'delivered'],
          [1, 'delivered'],
          [2, 'delivered'],
          [3, 'delivered'],
        ]);
      } finally {
        await producer.close({ abort: true });
      }
    });
  }
});
