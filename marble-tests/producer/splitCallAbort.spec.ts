// A producer aborted while a PutRecords call Kinesis refused whole as invalid is being sent again
// in parts: the items of the parts already answered are reported as those answers say (stored:
// delivered, with their shard and sequence number, through afterFlush; refused and waiting for a
// retry: failed, never stored), those of a part still in flight fail with `deliveryUnknown`, and
// those of a part never sent fail without it.
import { TestScheduler } from 'rxjs/testing';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { FlushInfo } from '../../src/producer/ProducerOptions.js';
import { awsError, FakeKinesis } from './support/fakeKinesis.js';

const SHARD = 'shardId-000000000000';

function describeReport(at: number, report: DeliveryReport<string>): string {
  if (report.status === 'delivered')
    return `${at} ${report.item} delivered ${report.shardId} #${report.sequenceNumber}`;
  const { error } = report;
  if (!(error instanceof ProducerAbortedError)) return `${at} ${report.item} ${error.name}`;
  return `${at} ${report.item} aborted ${error.context.shardId} unknown:${error.deliveryUnknown}`;
}

/**
 * Items a…h, one record each, one call slot, 10 ms per call. Every call holding `invalid` is
 * refused whole as invalid (and `invalid` alone fails); "b" is throttled in call 1. afterFlush
 * never settles. With "h" invalid:
 *
 *   5  (a…h) refused at 15: (a b c d) goes at 15, (e f g h) waits for the slot
 *  25  (a b c d) answered: a c d stored, b throttled (back-off 9.9 s); (e f g h) goes
 *  35  (e f g h) refused: (e f) goes, (g h) waits
 *  45  (e f) would be answered
 */
function abortAt(abortTime: number, invalid = 'h') {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  let fake!: FakeKinesis;
  let closed: Promise<void> | undefined;
  const reports: string[] = [];
  const flushed: string[] = [];
  let producer!: Producer<string>;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, {
      latencyMs: 10,
      requestFault: (_, data) =>
        data.includes(`"${invalid}"`) ? awsError('ValidationException', 400) : undefined,
      entryFault: ({ data, call }) =>
        data === '"b"' && call === 1 ? 'ProvisionedThroughputExceededException' : undefined,
    });
    producer = new Producer<string>({
      streamName: 'orders',
      client: fake.client,
      partitionKey: 'k',
      scheduler,
      bufferTime: 5,
      maxInFlightRequests: 1,
      expoBackoff: 10_000,
      random: () => 0.99,
      afterFlush: ({ delivered, failedRecords }: FlushInfo<string>) => {
        flushed.push(
          `${scheduler.now()} ${delivered.map((report) => report.item).join('')} failed:${failedRecords}`,
        );
        return new Promise<void>(() => undefined);
      },
    });
    producer.reports$.subscribe((report) => reports.push(describeReport(scheduler.now(), report)));
    for (const item of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) void producer.put(item);
    scheduler.schedule(() => {
      closed = producer.close({ abort: true });
    }, abortTime);
  });
  const calls = fake.calls.map(
    (call) => `${call.time} ${call.records.map((record) => record.data).join('')}`,
  );
  return { closed, reports: reports.sort(), flushed, calls, producer };
}

describe('Producer.close({ abort: true }) during a split call, in virtual time', () => {
  it('reports the stored parts delivered, the part in flight unknown, the part never sent not stored', async () => {
    const { closed, reports, flushed, calls, producer } = abortAt(40);
    await expect(closed).resolves.toBeUndefined();
    expect(calls).toEqual(['5 "a""b""c""d""e""f""g""h"', '15 "a""b""c""d"', '25 "e""f""g""h"', '35 "e""f"']);
    expect(reports).toEqual([
      `40 a delivered ${SHARD} #1`,
      `40 b aborted ${SHARD} unknown:false`,
      `40 c delivered ${SHARD} #2`,
      `40 d delivered ${SHARD} #3`,
      `40 e aborted ${SHARD} unknown:true`,
      `40 f aborted ${SHARD} unknown:true`,
      `40 g aborted ${SHARD} unknown:false`,
      `40 h aborted ${SHARD} unknown:false`,
    ]);
    // The stored items go through afterFlush, as every delivered item does.
    expect(flushed).toEqual(['40 acd failed:1']);
    const { totals } = producer.metrics();
    expect({ items: totals.items, failures: totals.failures }).toEqual({ items: 3, failures: 5 });
    expect(producer.queuedItems).toBe(0);
  });

  it('counts the entries Kinesis throttled in the parts answered before the abort', async () => {
    // "b" was throttled in (a b c d), answered at 25; its back-off was cut short by the abort at 40.
    const { closed, producer } = abortAt(40);
    await expect(closed).resolves.toBeUndefined();
    const { totals, shards } = producer.metrics();
    expect(totals.throttled).toBe(1);
    expect(shards[SHARD]?.throttled).toBe(1);
  });

  it('before any part is answered: every item of the call in flight is unknown, the waiting part not', async () => {
    const { closed, reports, flushed } = abortAt(20);
    await expect(closed).resolves.toBeUndefined();
    expect(reports).toEqual([
      `20 a aborted ${SHARD} unknown:true`,
      `20 b aborted ${SHARD} unknown:true`,
      `20 c aborted ${SHARD} unknown:true`,
      `20 d aborted ${SHARD} unknown:true`,
      `20 e aborted ${SHARD} unknown:false`,
      `20 f aborted ${SHARD} unknown:false`,
      `20 g aborted ${SHARD} unknown:false`,
      `20 h aborted ${SHARD} unknown:false`,
    ]);
    expect(flushed).toEqual([]);
  });

  it('reports an item of an answered part that Kinesis refused on its own with its own error', async () => {
    // "a" invalid: (a b c d) goes at 15 and is refused too: (a b) goes at 25, then (a) at 35 while
    // (e f g h), (c d) and (b) wait; (a) is refused at 45, and (e f g h) goes.
    const { closed, reports, calls } = abortAt(50, 'a');
    await expect(closed).resolves.toBeUndefined();
    expect(calls).toEqual([
      '5 "a""b""c""d""e""f""g""h"',
      '15 "a""b""c""d"',
      '25 "a""b"',
      '35 "a"',
      '45 "e""f""g""h"',
    ]);
    expect(reports).toEqual([
      '50 a DeliveryFailedError',
      `50 b aborted ${SHARD} unknown:false`,
      `50 c aborted ${SHARD} unknown:false`,
      `50 d aborted ${SHARD} unknown:false`,
      `50 e aborted ${SHARD} unknown:true`,
      `50 f aborted ${SHARD} unknown:true`,
      `50 g aborted ${SHARD} unknown:true`,
      `50 h aborted ${SHARD} unknown:true`,
    ]);
  });
});
