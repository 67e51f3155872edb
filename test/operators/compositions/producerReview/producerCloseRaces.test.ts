// Producer.put() calls that are not awaited, raced by close() and by close({ abort: true }) while
// PutRecords calls are held by the local Kinesis's latency: every put() settles, every accepted
// item gets exactly one report, and the stream read back agrees with the reports (delivered items
// are stored once; failed ones are not stored unless their call was in flight, deliveryUnknown).
// Once close() resolves, the producer holds no timer and no socket.
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../../../src/producer/errors/ProducerAbortedError.js';
import { ProducerClosedError } from '../../../../src/producer/errors/ProducerClosedError.js';
import { Producer } from '../../../../src/producer/Producer.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { socketsTo, sleep } from '../../../observables/compositions/producerReview/support/activeSockets.js';
import { CountingScheduler } from '../../../observables/compositions/producerReview/support/countingScheduler.js';

const LATENCY_MS = 300;
const ITEMS = 3_000;

const kinesis = useTestKinesis({ faults: { latencyMs: LATENCY_MS } });

interface Race {
  readonly producer: Producer<number>;
  readonly scheduler: CountingScheduler;
  readonly reports: DeliveryReport<number>[];
  readonly puts: Promise<number>[];
}

function startRace(streamName: string): Race {
  const scheduler = new CountingScheduler();
  const producer = new Producer<number>({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    partitionKey: (id) => `k${id % 7}`,
    bufferTime: 20,
    maxQueueSize: 500,
    scheduler,
  });
  const reports: DeliveryReport<number>[] = [];
  producer.reports$.subscribe((report) => reports.push(report));
  const puts: Promise<number>[] = [];
  for (let id = 0; id < ITEMS; id += 1) puts.push(producer.put(id));
  return { producer, scheduler, reports, puts };
}

/** Checks every put() settled, one report per accepted item, the stream agrees; returns the accepted. */
async function checkSettled(
  race: Race,
  streamName: string,
): Promise<{ accepted: number; delivered: number }> {
  const outcomes = await Promise.allSettled(race.puts);
  const accepted = new Set<number>();
  outcomes.forEach((outcome, id) => {
    if (outcome.status === 'fulfilled') accepted.add(id);
    else
      expect(
        outcome.reason instanceof ProducerAbortedError || outcome.reason instanceof ProducerClosedError,
      ).toBe(true);
  });
  const reported = race.reports.map((report) => report.item);
  expect(reported.length).toBe(new Set(reported).size);
  expect([...reported].sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
  const delivered = race.reports
    .filter((report) => report.status === 'delivered')
    .map((report) => report.item);
  const unknown = new Set(
    race.reports
      .filter(
        (report) =>
          report.status === 'failed' &&
          report.error instanceof ProducerAbortedError &&
          report.error.deliveryUnknown,
      )
      .map((report) => report.item),
  );
  const client = kinesis.createClient();
  try {
    const stored = (await readStream(client, streamName, delivered.length)).map((record) =>
      Number(record.data),
    );
    // Each delivered item stored once; anything else stored was in a call abandoned in flight.
    expect(stored.length).toBe(new Set(stored).size);
    const storedSet = new Set(stored);
    expect(delivered.filter((id) => !storedSet.has(id))).toEqual([]);
    const deliveredSet = new Set(delivered);
    expect(stored.filter((id) => !deliveredSet.has(id) && !unknown.has(id))).toEqual([]);
  } finally {
    client.destroy();
  }
  expect(race.scheduler.live).toBe(0);
  expect(socketsTo(Number(new URL(kinesis.endpoint).port))).toBe(0);
  return { accepted: accepted.size, delivered: delivered.length };
}

describe('Producer: close() and close({ abort: true }) racing put() calls that are not awaited', () => {
  it('close() at once after the puts: every put() accepted and delivered, later put() refused', async () => {
    const streamName = uniqueStreamName('closerace');
    await kinesis.createStream(streamName, 2);
    const race = startRace(streamName);
    const closed = race.producer.close();
    await expect(race.producer.put(-1)).rejects.toBeInstanceOf(ProducerClosedError);
    await closed;
    const { accepted, delivered } = await checkSettled(race, streamName);
    expect(accepted).toBe(ITEMS);
    expect(delivered).toBe(ITEMS);
  });

  it('close({ abort: true }) while a graceful close() flushes with calls in flight: both settle, nothing lost silently', async () => {
    const streamName = uniqueStreamName('abortrace');
    await kinesis.createStream(streamName, 2);
    const race = startRace(streamName);
    // The first calls are on their way (held by the latency) and put() calls wait for room.
    await sleep(LATENCY_MS * 3);
    const graceful = race.producer.close();
    const sent = race.producer.send(-1);
    const aborted = race.producer.close({ abort: true });
    expect(race.producer.close()).toBe(aborted);
    await expect(sent).rejects.toBeInstanceOf(ProducerClosedError);
    await aborted;
    // The graceful close covered items the abort failed: it rejects with their error.
    await expect(graceful).rejects.toBeInstanceOf(ProducerAbortedError);
    await expect(race.producer.flush()).resolves.toBeUndefined();
    const { accepted, delivered } = await checkSettled(race, streamName);
    expect(accepted).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(ITEMS);
  });
});
