// Case: a credentials provider that rejected with the key it refused (`new Error(secretKey)`, or
// the key itself), or a credentials getter throwing it, had the key printed: in the failed
// report's DeliveryFailedError message (`Item #0 could not be delivered: wJalr…`), in its cause's
// message and stack, and in the log line. Such a message is replaced by `[redacted]`.
import { inspect } from 'node:util';
import type { Logger } from '../../src/logging/Logger.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});
afterAll(async () => {
  await kinesis.close();
});

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const PROVIDERS: ReadonlyArray<readonly [string, () => Promise<never>]> = [
  ['rejects with an Error holding the key', () => Promise.reject(new Error(SECRET_ACCESS_KEY))],
  ['rejects with the key', () => Promise.reject(SECRET_ACCESS_KEY)],
  [
    'returns an object whose secretAccessKey getter throws the key',
    () =>
      Promise.resolve({
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        get secretAccessKey(): string {
          throw new Error(SECRET_ACCESS_KEY);
        },
      } as never),
  ],
];

test.each(PROVIDERS)('a provider that %s: no report, error or log line shows it', async (_name, provider) => {
  const streamName = uniqueStreamName('cred-key');
  await kinesis.createStream(streamName, 1);
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(inspect(args, { depth: 8 }));
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  const producer = new Producer<number>({
    streamName,
    region: kinesis.region,
    endpoint: kinesis.endpoint,
    credentials: provider,
    processor: jsonProcessor<number>(),
    retryLimit: 0,
    logger,
  });
  const reports: DeliveryReport<number>[] = [];
  producer.reports$.subscribe((report) => reports.push(report));
  try {
    await producer.putAll([1]).catch(() => undefined);
    await producer.close().catch(() => undefined);
    expect(reports.map((report) => report.status)).toEqual(['failed']);
    const shown = `${inspect(reports, { depth: 8 })}\n${lines.join('\n')}`;
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain('K7MDENG');
  } finally {
    await producer.close({ abort: true }).catch(() => undefined);
  }
});
