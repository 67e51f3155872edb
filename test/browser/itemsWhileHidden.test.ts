// Items taken while the page is hidden go at once, not after bufferTime: an app's own
// `visibilitychange` listener (registered after the producer started, as usual) tracks its
// "page hidden" event after the producer's page-hide flush has run, and a page in the background
// may be frozen or closed long before bufferTime.
import { Subject } from 'rxjs';
import { Producer, toKinesis, jsonProcessor, type DeliveryReport } from '../../src/browser/index.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { waitFor } from '../support/streamRecords.js';
import { testPage } from '../platform/pageEnvironment.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

interface UiEvent {
  readonly type: string;
}

type PageScope = { window?: unknown; document?: unknown };

describe('browser producer: items taken while the page is hidden', () => {
  const scope = globalThis as PageScope;
  let page: ReturnType<typeof testPage>;
  let streamName: string;
  beforeEach(async () => {
    streamName = uniqueStreamName('hidden');
    await kinesis.createStream(streamName, 1);
    page = testPage();
    scope.window = page.window;
    scope.document = page.document;
  });
  afterEach(() => {
    delete scope.window;
    delete scope.document;
  });

  const options = () => ({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    processor: jsonProcessor<UiEvent>(),
    // Far longer than the test waits: only the page's state can send the items.
    bufferTime: 600_000,
  });

  /** The app's own listener, added after the producer's: it tracks the page being hidden. */
  const onHidden = (track: (event: UiEvent) => void) =>
    page.document.addEventListener('visibilitychange', () => {
      if (page.document.visibilityState === 'hidden') track({ type: 'page-hidden' });
    });
  const hide = () => {
    page.document.visibilityState = 'hidden';
    page.document.dispatch('visibilitychange');
  };

  it('toKinesis(): the event tracked by a later hide listener, and one tracked in the background', async () => {
    const events = new Subject<UiEvent>();
    const reports: DeliveryReport<UiEvent>[] = [];
    const subscription = events.pipe(toKinesis(options())).subscribe((report) => reports.push(report));
    // A first hide sends the click (once the stream's shard map is known: the producer is ready).
    events.next({ type: 'click' });
    hide();
    await waitFor(() => reports.length === 1, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    page.document.visibilityState = 'visible';
    onHidden((event) => events.next(event));
    hide();
    await waitFor(() => reports.length === 2, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    events.next({ type: 'background' });
    await waitFor(() => reports.length === 3, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    expect(reports.map((report) => [report.item.type, report.status])).toEqual([
      ['click', 'delivered'],
      ['page-hidden', 'delivered'],
      ['background', 'delivered'],
    ]);
    // Visible again: items wait for bufferTime as before.
    page.document.visibilityState = 'visible';
    events.next({ type: 'visible' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(reports).toHaveLength(3);
    events.complete();
    await waitFor(() => reports.length === 4 && subscription.closed, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
  });

  it('Producer: put() and send() of a later hide listener', async () => {
    const producer = new Producer<UiEvent>(options());
    let reports = 0;
    producer.reports$.subscribe(() => (reports += 1));
    void producer.put({ type: 'click' });
    hide();
    await waitFor(() => reports === 1, { timeoutMs: 30_000, message: () => `${reports} reports` });
    page.document.visibilityState = 'visible';
    let sent: Promise<unknown> | undefined;
    onHidden((event) => {
      sent = producer.send(event);
      void producer.put({ type: 'put-hidden' });
    });
    hide();
    await waitFor(() => reports === 3, { timeoutMs: 30_000, message: () => `${reports} reports` });
    await expect(sent).resolves.toMatchObject({ status: 'delivered', item: { type: 'page-hidden' } });
    await producer.close();
  });

  it('Producer: putAll() of a later hide listener, and one in the background', async () => {
    const producer = new Producer<UiEvent>(options());
    const reports: DeliveryReport<UiEvent>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    void producer.put({ type: 'click' });
    hide();
    await waitFor(() => reports.length === 1, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    page.document.visibilityState = 'visible';
    onHidden((event) => void producer.putAll([event, { type: 'put-all-hidden' }]));
    hide();
    await waitFor(() => reports.length === 3, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    await producer.putAll([{ type: 'background' }]);
    await waitFor(() => reports.length === 4, {
      timeoutMs: 30_000,
      message: () => `${reports.length} reports`,
    });
    expect(reports.map((report) => [report.item.type, report.status])).toEqual([
      ['click', 'delivered'],
      ['page-hidden', 'delivered'],
      ['put-all-hidden', 'delivered'],
      ['background', 'delivered'],
    ]);
    await producer.close();
  });
});
