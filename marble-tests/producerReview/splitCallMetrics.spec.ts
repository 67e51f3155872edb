// A PutRecords call Kinesis refuses whole as invalid is sent again in halves (recursively): every
// part is a PutRecords call, and its records are sent again, so the metrics count each part in
// putRecordsCalls (in totals and in the shards it carried) and its records in retries. Before,
// only the first call was counted: the metrics showed fewer calls than Kinesis received.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { awsError, FakeKinesis } from '../producer/support/fakeKinesis.js';

describe('toKinesis(): the metrics of a split PutRecords call, in virtual time', () => {
  it('count every part as a call and its records as retries', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let fake!: FakeKinesis;
    let last: ProducerMetricsSnapshot | undefined;
    const statuses: string[] = [];
    scheduler.run(() => {
      // The first call (a, b, c, d) is refused whole, then the half (c, d), then c alone: the
      // halves (a, b) and (c, d), then (c) and (d) are sent, and c fails.
      fake = new FakeKinesis(scheduler, {
        latencyMs: 10,
        requestFault: (call) => ([0, 2, 3].includes(call) ? awsError('ValidationException', 400) : undefined),
      });
      of('a', 'b', 'c', 'd')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            onFailure: 'emit',
            metricsObserver: { next: (snapshot) => (last = snapshot) },
          }),
        )
        .subscribe((report) => statuses.push(`${report.item}:${report.status}`));
    });
    expect(fake.calls.map((call) => call.records.map((record) => record.data).join(''))).toEqual([
      '"a""b""c""d"',
      '"a""b"',
      '"c""d"',
      '"c"',
      '"d"',
    ]);
    expect(statuses.sort()).toEqual(['a:delivered', 'b:delivered', 'c:failed', 'd:delivered']);
    const shard = 'shardId-000000000000';
    expect(last?.totals.putRecordsCalls).toBe(fake.calls.length);
    expect(last?.shards[shard]?.putRecordsCalls).toBe(fake.calls.length);
    // Sent again: a, b, c, d in the halves, c and d in the quarters.
    expect(last?.totals.retries).toBe(6);
    expect(last?.totals.items).toBe(3);
    expect(last?.totals.failures).toBe(1);
  });
});
