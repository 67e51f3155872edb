// Retry log lines gave their back-off as drawn, `delayMs=37.03703703703704`: a jittered delay has
// long fractions that mean nothing at a millisecond timer's grain. Durations (details named
// `...Ms`) are written in whole milliseconds; the events keep the exact value.
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { Subscription } from 'rxjs';
import { writeLog } from '../../src/logging/writeLog.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

test('writeLog writes a duration in whole milliseconds, in the line and in its details', () => {
  const lines: Array<[string, unknown]> = [];
  const keep = (line: string, details?: unknown) => void lines.push([line, details]);
  writeLog({ debug: keep, warn: keep, error: keep }, 'warn', 'retrying after error', {
    attempt: 1,
    delayMs: 37.03703703703704,
    waitedMs: 0.4,
    count: 2.5,
  });
  expect(lines).toEqual([
    [
      'rxjs-kinesis: retrying after error attempt=1 delayMs=37 waitedMs=0 count=2.5',
      { attempt: 1, delayMs: 37, waitedMs: 0, count: 2.5 },
    ],
  ]);
});

describe('a consumer retrying its shard listing', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    // CREATING longer than the listing's two retries: ListShards is refused, and retried.
    local = await startLocalKinesis({ streamStatusDelayMs: 30_000 });
  });
  afterAll(() => local.close());

  it('logs its back-off in whole milliseconds', async () => {
    const streamName = uniqueStreamName('whole-ms');
    const client = local.createClient();
    const subscriptions = new Subscription();
    const warnings: string[] = [];
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      const consumer = fromKinesis({
        streamName,
        endpoint: local.endpoint,
        region: local.region,
        credentials: { ...local.credentials },
        retryLimit: 2,
        // Draws that make each jittered delay a fraction: 100 ms / 2.7, 200 ms / 2.7.
        random: () => 1 / 2.7,
        logger: {
          debug: () => undefined,
          warn: (line: string) => void warnings.push(line),
          error: () => undefined,
        },
      });
      const retried: number[] = [];
      subscriptions.add(
        consumer.events$.subscribe((event) => {
          if (event.type === 'error-retried') retried.push(event.delayMs);
        }),
      );
      subscriptions.add(consumer.subscribe({ error: () => undefined }));
      while (retried.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      // The events keep the delays drawn.
      expect(retried[0]).not.toBe(Math.round(retried[0]!));
      const logged = warnings.filter((line) => line.includes('retrying after error'));
      expect(logged.length).toBeGreaterThanOrEqual(2);
      for (const line of logged) expect(line).toMatch(/ delayMs=\d+ /);
      expect(logged[0]).toContain(` delayMs=${Math.round(retried[0]!)} `);
      subscriptions.unsubscribe();
      await consumer.stopped();
    } finally {
      subscriptions.unsubscribe();
      client.destroy();
    }
  });
});
