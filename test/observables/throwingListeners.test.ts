import { config } from 'rxjs';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { Producer } from '../../src/producer/Producer.js';
import type { Logger } from '../../src/logging/Logger.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const boom = (): never => {
  throw new Error('logger boom');
};
const throwingLogger: Logger = { debug: boom, info: boom, warn: boom, error: boom };

let unhandled: unknown[] = [];
const previous = config.onUnhandledError;
beforeEach(() => {
  unhandled = [];
  config.onUnhandledError = (error) => unhandled.push(error);
});
afterEach(() => {
  config.onUnhandledError = previous;
});

test('listeners and loggers that throw break neither the producer nor the consumer', async () => {
  const streamName = uniqueStreamName('throwing-listeners');
  await kinesis.createStream(streamName, 2);
  const producer = new Producer<number>({
    streamName,
    client: kinesis.createClient(),
    bufferTime: 10,
    logger: throwingLogger,
  });
  producer.metrics$.subscribe(() => {
    throw new Error('metrics listener boom');
  });
  const reports: string[] = [];
  producer.reports$.subscribe(() => {
    throw new Error('reports listener boom');
  });
  producer.reports$.subscribe((report) => reports.push(report.status));
  for (let i = 0; i < 50; i += 1) await producer.put(i);
  await producer.close();
  expect(reports).toEqual(Array.from({ length: 50 }, () => 'delivered'));
  expect(producer.metrics().totals.items).toBe(50);

  const consumer = fromKinesis({
    streamName,
    client: kinesis.createClient(),
    iteratorType: 'TRIM_HORIZON',
    logger: throwingLogger,
    checkpointer: new MemoryCheckpointer({ logger: throwingLogger }),
  });
  consumer.events$.subscribe(() => {
    throw new Error('events listener boom');
  });
  const types: string[] = [];
  consumer.events$.subscribe((event) => types.push(event.type));
  let received = 0;
  let failure: unknown;
  const subscription = consumer.pipe(checkpoint()).subscribe({
    next: () => (received += 1),
    error: (error: unknown) => (failure = error),
  });
  const deadline = Date.now() + 30_000;
  while (received < 50 && Date.now() < deadline) await sleep(50);
  subscription.unsubscribe();
  await sleep(200);
  expect(failure).toBeUndefined();
  expect(received).toBe(50);
  expect(types).toContain('consumer-stopped');
  const messages = new Set(unhandled.map((error) => (error as Error).message));
  expect(messages).toEqual(
    new Set(['metrics listener boom', 'reports listener boom', 'events listener boom']),
  );
});
