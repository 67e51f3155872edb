// A slow subscriber reading a large backlog by enhanced fan-out: the server could push tens of
// MiB at once, but the consumer takes events only as its in-flight budget has room (HTTP/2 flow
// control holds the server), so the records in flight stay within maxQueueSize and the consumer
// process's live memory stays far below the backlog. The consumer runs in a child process
// (slowFanOutReader.ts) so that the embedded Kinesis's own memory is not counted. Live memory =
// heapUsed + arrayBuffers (record data lives in ArrayBuffers) right after a full garbage
// collection, so the bound does not depend on when the collector runs. What the consumer may hold
// does not grow with the backlog (the rest of one event per shard, the budget, the client's
// HTTP/2 windows, an event being decoded: 7 MiB here, 14 MiB at the most seen); the bound, a
// third of the backlog (32 MiB), leaves room for that, while buffering the pushed events exceeds it.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { LocalKinesis } from '../../../src/local/index.js';
import { compiledScript } from '../../support/compiledScript.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { startFanOutKinesis } from './fanOutSupport.js';
import type { SlowReaderConfig, SlowReaderReport } from './slowFanOutReader.js';

jest.setTimeout(240_000);

const MiB = 1024 * 1024;
const RECORD_BYTES = 64 * 1024;
/** 96 MiB on two shards. */
const BACKLOG_RECORDS = 1536;
/** Records the slow pipeline processes (20 MiB), 10 ms each. */
const PROCESSED = 320;
const MAX_QUEUE_SIZE = 16;

let kinesis: LocalKinesis;
let client: KinesisClient;

beforeAll(async () => {
  kinesis = await startFanOutKinesis({});
  client = kinesis.createClient();
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

/** Puts `count` records of RECORD_BYTES each, 4 MiB per PutRecords call, failed entries re-sent. */
async function putBacklog(streamName: string, count: number): Promise<void> {
  const data = Buffer.alloc(RECORD_BYTES - 16, 'x');
  const perCall = Math.floor((4 * MiB) / RECORD_BYTES);
  for (let first = 0; first < count; first += perCall) {
    let pending = Array.from({ length: Math.min(perCall, count - first) }, (_, index) => first + index);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 20) throw new Error(`PutRecords kept failing for ${pending.length} records`);
      const output = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: pending.map((id) => ({ PartitionKey: `key-${id}`, Data: data })),
        }),
      );
      pending = pending.filter((_, index) => output.Records?.[index]?.ErrorCode !== undefined);
    }
  }
}

/** Runs slowFanOutReader.ts in a child process and resolves with its report. */
function runSlowReader(config: SlowReaderConfig, timeoutMs: number): Promise<SlowReaderReport> {
  const child = fork(compiledScript(join(__dirname, 'slowFanOutReader.ts')), [JSON.stringify(config)], {
    cwd: join(__dirname, '..', '..', '..'),
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the slow reader did not finish within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('message', (report: SlowReaderReport) => {
      clearTimeout(timer);
      if (report.error !== undefined) reject(new Error(`the slow reader failed: ${report.error}`));
      else resolve(report);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the slow reader exited with ${code} before reporting: ${stderr}`));
    });
  });
}

test('a slow subscriber of a 96 MiB fan-out backlog keeps records in flight within maxQueueSize and its memory bounded', async () => {
  const streamName = uniqueStreamName('efo-heap');
  await kinesis.createStream(streamName, 2);
  await putBacklog(streamName, BACKLOG_RECORDS);
  const backlogMiB = (BACKLOG_RECORDS * RECORD_BYTES) / MiB;

  const report = await runSlowReader(
    {
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: { ...kinesis.credentials },
      streamName,
      consumerName: 'heap',
      processed: PROCESSED,
      delayMs: 10,
      maxQueueSize: MAX_QUEUE_SIZE,
    },
    180_000,
  );

  expect(report.sizes).toEqual(Array.from({ length: PROCESSED }, () => RECORD_BYTES - 16));
  expect(report.samples).toBeGreaterThanOrEqual(4);
  // Growth of the consumer's live memory, in MiB, against a third of the backlog.
  const growthMiB = (report.peakBytes - report.baselineBytes) / MiB;
  if (process.env.FAN_OUT_HEAP_DEBUG !== undefined)
    process.stderr.write(`growth ${growthMiB.toFixed(1)} MiB; samples ${report.series.join(' ')}\n`);
  expect(growthMiB).toBeLessThan(backlogMiB / 3);
  // It read by fan-out, and the server did not send it the whole backlog.
  expect(kinesis.stats.fanOutRecords).toBeGreaterThanOrEqual(PROCESSED);
  expect(kinesis.stats.fanOutRecords).toBeLessThan(BACKLOG_RECORDS);
  expect(report.peakInFlight).toBeLessThanOrEqual(MAX_QUEUE_SIZE);
  // Only what was processed plus the budget was emitted.
  expect(report.emitted).toBeLessThanOrEqual(PROCESSED + MAX_QUEUE_SIZE);
});
