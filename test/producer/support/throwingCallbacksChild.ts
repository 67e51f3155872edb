// User callbacks that throw, in a child process run with --unhandled-rejections=strict, for
// throwingCallbacks.test.ts:
//   node --unhandled-rejections=strict <this file compiled> '<ChildConfig as JSON>'
// Each scenario writes one line `<name> <outcome>` to stdout; the process then ends by itself. An
// unhandled rejection or an uncaught exception anywhere would end it with a non-zero code first.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom, range, throwError, toArray } from 'rxjs';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import type { ToKinesisOptions } from '../../../src/producer/ToKinesisOptions.js';
import { Producer } from '../../../src/producer/Producer.js';
import { createProcessor } from '../../../src/processors/Processor.js';
import { newlineAggregator } from '../../../src/processors/aggregators/newlineAggregator.js';

export interface ChildConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streamName: string;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const client = new KinesisClient({
  endpoint: config.endpoint,
  region: config.region,
  credentials: config.credentials,
  requestHandler: new NodeHttpHandler(),
});
const base = { streamName: config.streamName, client, bufferTime: 10, partitionKey: 'k' } as const;

/** `error:<class>` of what `work` rejected with, else what it resolved to. */
async function outcome(work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    return `error:${(error as Error).constructor.name}`;
  }
}

/** The statuses of three items' reports, as `<status>[:<error class>]` in input order. */
async function reports(options: Partial<ToKinesisOptions<number>>): Promise<string> {
  const all = await lastValueFrom(
    range(0, 3).pipe(toKinesis<number>({ ...base, onFailure: 'emit', ...options }), toArray()),
  );
  return all
    .sort((a, b) => a.index - b.index)
    .map((report) =>
      report.status === 'delivered' ? 'delivered' : `failed:${report.error.constructor.name}`,
    )
    .join(',');
}

const boom = (): never => {
  throw new Error('boom');
};
const throwingLogger = { debug: boom, info: boom, warn: boom, error: boom };
const thenableThatThrows = (): PromiseLike<void> => ({ then: boom });
/** A serializer with no text path of its own: the byte accumulators below are used. */
const numbers = {
  name: 'numbers',
  serialize: (id: number) => new TextEncoder().encode(String(id)),
  deserialize: (bytes: Uint8Array) => Number(new TextDecoder().decode(bytes)),
};
/** An aggregator whose accumulator takes items and throws when asked to close their record. */
const throwingFlush = createProcessor<number>('broken', numbers, {
  name: 'broken',
  aggregates: true,
  createAccumulator: () => {
    let held = 0;
    return {
      add: () => {
        held += 1;
        return undefined;
      },
      flush: boom,
      get itemCount() {
        return held;
      },
      get size() {
        return held;
      },
    };
  },
  deaggregate: () => [],
});

const scenarios: [string, () => Promise<string>][] = [
  ['partitionKey', () => reports({ partitionKey: (id) => (id === 1 ? boom() : 'k') })],
  ['explicitHashKey', () => reports({ explicitHashKey: (id) => (id === 1 ? boom() : undefined) })],
  [
    'serializer',
    () =>
      reports({
        processor: createProcessor('throwing', { ...numbers, serialize: boom }, newlineAggregator()),
      }),
  ],
  ['accumulator', () => reports({ processor: throwingFlush })],
  ['logger', () => reports({ logger: throwingLogger })],
  ['random', () => reports({ partitionKey: undefined, random: boom })],
  ['afterFlush-throws', () => outcome(() => reports({ afterFlush: boom }))],
  ['afterFlush-rejects', () => outcome(() => reports({ afterFlush: () => Promise.reject(undefined) }))],
  ['afterFlush-thenable', () => outcome(() => reports({ afterFlush: thenableThatThrows }))],
  ['flushOn', () => outcome(() => reports({ flushOn: throwError(() => new Error('boom')) }))],
  [
    'producer-send',
    async () => {
      const producer = new Producer<number>({ ...base, partitionKey: (id) => (id === 1 ? boom() : 'k') });
      const sent = await Promise.allSettled([0, 1, 2].map((id) => producer.send(id)));
      const closed = await outcome(() => producer.close().then(() => 'closed'));
      return `${sent.map((result) => result.status).join(',')} ${closed}`;
    },
  ],
  [
    'producer-afterFlush',
    async () => {
      const producer = new Producer<number>({
        ...base,
        afterFlush: thenableThatThrows,
        logger: throwingLogger,
      });
      await producer.put(0);
      return outcome(() => producer.close().then(() => 'closed'));
    },
  ],
];

void (async () => {
  for (const [name, run] of scenarios) process.stdout.write(`${name} ${await run()}\n`);
  client.destroy();
})();
