// overflow: 'drop-newest' with a synchronous source flooding a full queue: every refused item gets a
// dropped report with a QueueFullError of its own (its item, index and the queue at its refusal),
// built without capturing a stack (before, each refusal walked the stack of RxJS and producer
// frames, most of its cost), and Error.stackTraceLimit is left as it was.
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { QueueFullError } from '../../src/producer/errors/QueueFullError.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

const ITEMS = 5_000;
const QUEUE = 10;

function flood(): DeliveryReport<number>[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<number>[] = [];
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
    from(Array.from({ length: ITEMS }, (_, i) => i))
      .pipe(
        toKinesis<number>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          maxQueueSize: QUEUE,
          overflow: 'drop-newest',
        }),
      )
      .subscribe((report) => reports.push(report));
  });
  return reports;
}

describe('toKinesis(): drop-newest refusals of a flooding source', () => {
  const original = Error.stackTraceLimit;
  afterEach(() => {
    Error.stackTraceLimit = original;
  });

  it('each dropped item has its own QueueFullError naming it, with no stack frames captured', () => {
    const reports = flood();
    expect(reports).toHaveLength(ITEMS);
    const dropped = reports.filter((report) => report.status === 'dropped');
    expect(dropped.map((report) => report.index)).toEqual(
      Array.from({ length: ITEMS - QUEUE }, (_, i) => QUEUE + i),
    );
    const errors = new Set<QueueFullError>();
    const untrue: number[] = [];
    for (const report of dropped) {
      if (report.status !== 'dropped') continue;
      const { error } = report;
      errors.add(error);
      const truthful =
        error instanceof QueueFullError &&
        error.item === report.item &&
        error.context.itemIndex === report.index &&
        error.context.streamName === 'orders' &&
        error.queuedItems === QUEUE &&
        error.retriable &&
        error.message ===
          `Item #${report.index} was refused: the producer queue is full (${QUEUE} items, ${error.queuedBytes} bytes waiting)`;
      if (!truthful) untrue.push(report.index);
    }
    expect(untrue).toEqual([]);
    const withFrames = dropped.filter(
      (report) => report.status === 'dropped' && /\n\s+at /.test(report.error.stack ?? ''),
    );
    expect(withFrames.slice(0, 1).map((report) => report.error.stack)).toEqual([]);
    expect(errors.size).toBe(ITEMS - QUEUE);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(QUEUE);
    expect(Error.stackTraceLimit).toBe(original);
  });

  it('leaves a stackTraceLimit of the application as it was', () => {
    Error.stackTraceLimit = 37;
    const reports = flood();
    expect(reports.filter((report) => report.status === 'dropped')).toHaveLength(ITEMS - QUEUE);
    expect(Error.stackTraceLimit).toBe(37);
    // Errors built by the application still carry their stacks.
    expect(new QueueFullError('x', 0, 1, 1).stack).toMatch(/\n\s+at /);
  });
});
