// An aggregating processor without `partitionKey`: one default key serves a run of items, drawn for
// the next shard in turn. The run used to end only once its record was full (or a record's worth
// of items had used the key), so at any rate that closes records part-filled (on bufferTime, or a
// flush) every item went to one shard: 600 JSON lines into 4 shards, 600 / 0 / 0 / 0, and a
// consumer group had one busy shard. A record closed part-filled now ends the run.
import { jsonLineProcessor, kplJsonProcessor, Producer, type Processor } from '../../src/index.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

// Only bounds a hang.
jest.setTimeout(120_000);

const SHARDS = 4;
const RUNS = 8;
const ITEMS_PER_RUN = 20;

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});
afterAll(() => kinesis.close());

async function itemsPerShard(
  processor: Processor<{ n: number }>,
  between: (producer: Producer<{ n: number }>, run: Promise<unknown>) => Promise<unknown>,
): Promise<number[]> {
  const stream = uniqueStreamName('key-runs');
  await kinesis.createStream(stream, SHARDS);
  const producer = new Producer<{ n: number }>({
    streamName: stream,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    processor,
    bufferTime: 20,
  });
  const counts = new Map<string, number>();
  try {
    // Not counted: keys drawn before the shard map is known cannot aim at a shard.
    await producer.send({ n: -1 });
    for (let run = 0; run < RUNS; run += 1) {
      const reports = Array.from({ length: ITEMS_PER_RUN }, (_, i) =>
        producer.send({ n: run * ITEMS_PER_RUN + i }).then((report) => {
          counts.set(report.shardId, (counts.get(report.shardId) ?? 0) + 1);
        }),
      );
      await between(producer, Promise.all(reports));
    }
  } finally {
    await producer.close();
  }
  return [...counts.values()].sort((a, b) => a - b);
}

// Each run is closed part-filled, then the next run's key is drawn for the next shard: every shard
// gets two runs (before: all 160 items on one shard).
const EVEN = Array.from({ length: SHARDS }, () => (RUNS / SHARDS) * ITEMS_PER_RUN);

it.each([
  ['JSON lines', jsonLineProcessor<{ n: number }>()],
  ['KPL', kplJsonProcessor<{ n: number }>()],
])('%s: runs closed by bufferTime go to the shards in turn', async (_, processor) => {
  expect(await itemsPerShard(processor, (_producer, run) => run)).toEqual(EVEN);
});

it('JSON lines: runs closed by flush() go to the shards in turn', async () => {
  expect(
    await itemsPerShard(jsonLineProcessor<{ n: number }>(), async (producer, run) => {
      await producer.flush();
      await run;
    }),
  ).toEqual(EVEN);
});
