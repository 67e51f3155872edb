// KPL records large enough for a checksum thread, written in virtual time (the default scheduler
// inside TestScheduler.run(), or a TestScheduler given as the scheduler option): their checksums
// are computed on the spot, so everything is delivered within the run (a thread's answer would
// come only after run() had returned).
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplStringProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { FakeKinesis } from './support/fakeKinesis.js';

describe('KPL records past the checksum thread threshold, in virtual time', () => {
  it('are delivered within the run, each with its checksum', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<string>[] = [];
    let fake!: FakeKinesis;
    let completed = false;
    // 200 items of 2 KB: records of ~400 KB (past 64 KiB), half a shard's budget each.
    const items = Array.from({ length: 200 }, (_, i) => `${i}:`.padEnd(2000, 'x'));
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {});
      from(items)
        .pipe(
          toKinesis<string>({ streamName: 'orders', client: fake.client, processor: kplStringProcessor() }),
        )
        .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
    });
    expect(completed).toBe(true);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(200);
    const processor = kplStringProcessor();
    const stored = fake.stored.map((record) => record.bytes);
    expect(stored.some((data) => data.byteLength > 64 * 1024)).toBe(true);
    for (const data of stored) {
      // Throws KplChecksumError on a wrong checksum.
      expect(processor.aggregator.deaggregate({ data, partitionKey: 'k' }).length).toBeGreaterThan(0);
    }
  });
});
