// The Kinesis endpoint goes away (connections refused, open ones cut) and comes back on the same
// address while a Producer and toKinesis() write through it. Within connectionFailureTimeout the
// items wait and are delivered once it is back, each reported once and stored once (or, when an
// attempt got no answer, marked possibleDuplicate); past it they fail with a ConnectionError
// naming the endpoint, and the producer delivers later items once the endpoint answers again.
import { Subject, lastValueFrom, tap, toArray } from 'rxjs';
import { ConnectionError } from '../../../src/kinesis/errors/ConnectionError.js';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../../src/producer/Producer.js';
import { readStream } from '../../producer/support/readStream.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { Relay } from '../../support/tcpRelay.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

const ids = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every item stored once, or more only when its report says possibleDuplicate. */
function expectStoredOnce(
  stored: readonly { data: string }[],
  delivered: readonly DeliveryReport<number>[],
): void {
  const copies = new Map<number, number>();
  for (const record of stored) copies.set(Number(record.data), (copies.get(Number(record.data)) ?? 0) + 1);
  for (const report of delivered) {
    if (report.status !== 'delivered') continue;
    const count = copies.get(report.item) ?? 0;
    if (report.possibleDuplicate === true) expect(count).toBeGreaterThanOrEqual(1);
    else expect({ item: report.item, count }).toEqual({ item: report.item, count: 1 });
  }
}

describe('the endpoint goes down and comes back', () => {
  let relay: Relay;
  beforeEach(async () => {
    relay = new Relay(new URL(kinesis.endpoint));
    await relay.up();
  });
  afterEach(async () => {
    await relay.down();
  });

  it('Producer: items put while it is down are delivered once it is back; close() resolves', async () => {
    const streamName = uniqueStreamName('downup');
    await kinesis.createStream(streamName, 1);
    const producer = new Producer<number>({
      streamName,
      endpoint: relay.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      bufferTime: 10,
      expoBackoff: 50,
      expoBackoffLimit: 200,
      connectionFailureTimeout: 60_000,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of ids(0, 5)) await producer.put(id);
    await producer.flush();
    await relay.down();
    for (const id of ids(5, 5)) await producer.put(id);
    const flushed = producer.flush();
    // Several attempts fail while it is down.
    await sleep(600);
    expect(reports).toHaveLength(5);
    await relay.up();
    await flushed;
    await producer.close();
    expect(reports.map((report) => `${report.item} ${report.status}`).sort()).toEqual(
      ids(0, 10)
        .map((id) => `${id} delivered`)
        .sort(),
    );
    const reader = kinesis.createClient();
    expectStoredOnce(await readStream(reader, streamName, 10), reports);
    reader.destroy();
  });

  it('toKinesis(): past connectionFailureTimeout items fail with a ConnectionError; later ones are delivered once it is back', async () => {
    const streamName = uniqueStreamName('downup');
    await kinesis.createStream(streamName, 1);
    const source = new Subject<number>();
    let reported = 0;
    const waiters = new Map<number, () => void>();
    const reportsReach = (count: number) =>
      new Promise<void>((resolve) => {
        if (reported >= count) resolve();
        else waiters.set(count, resolve);
      });
    const done = lastValueFrom(
      source.pipe(
        toKinesis<number>({
          streamName,
          endpoint: relay.endpoint,
          region: kinesis.region,
          credentials: kinesis.credentials,
          bufferTime: 10,
          expoBackoff: 50,
          expoBackoffLimit: 100,
          connectionFailureTimeout: 500,
          onFailure: 'emit',
        }),
        tap(() => {
          reported += 1;
          waiters.get(reported)?.();
        }),
        toArray(),
      ),
    );
    for (const id of ids(0, 5)) source.next(id);
    await reportsReach(5);
    await relay.down();
    for (const id of ids(5, 5)) source.next(id);
    await reportsReach(10);
    await relay.up();
    for (const id of ids(10, 5)) source.next(id);
    source.complete();
    const reports = await done;
    const byItem = [...reports].sort((a, b) => a.item - b.item);
    expect(byItem.map((report) => report.item)).toEqual(ids(0, 15));
    for (const report of byItem) {
      const down = report.item >= 5 && report.item < 10;
      expect({ item: report.item, status: report.status }).toEqual({
        item: report.item,
        status: down ? 'failed' : 'delivered',
      });
      if (report.status !== 'failed') continue;
      expect(report.error).toBeInstanceOf(DeliveryFailedError);
      expect(report.error.cause).toBeInstanceOf(ConnectionError);
      expect(report.error.message + String((report.error.cause as Error).message)).toContain(
        `127.0.0.1:${relay.port}`,
      );
    }
    const reader = kinesis.createClient();
    expectStoredOnce(await readStream(reader, streamName, 10), reports);
    reader.destroy();
  });
});
