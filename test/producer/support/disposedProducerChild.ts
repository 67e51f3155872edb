// A producer in a child process, for disposedProducerExit.test.ts:
//   node <test/producer/support/disposedProducerChild.ts compiled> '<ChildConfig as JSON>'
// It starts a producer on a client of its own (the SDK's default handler: no deadlines), tells the
// parent 'started', and on 'dispose' disposes the producer (unsubscribes toKinesis(), or awaits
// Producer.close()), tells the parent 'disposed' and lets go of the IPC channel. It neither
// destroys its client nor exits: the process ends only when nothing the producer started is left.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { concat, NEVER, of } from 'rxjs';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import { Producer } from '../../../src/producer/Producer.js';

export interface ChildConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streamName: string;
  /** toKinesis() unsubscribed; the same with createStream; Producer.close() with nothing put. */
  readonly mode: 'unsubscribe' | 'createStream' | 'close';
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const client = new KinesisClient({
  endpoint: config.endpoint,
  region: config.region,
  credentials: config.credentials,
  requestHandler: new NodeHttpHandler(),
});
// A deadline far longer than the test waits for the process to end.
const options = { streamName: config.streamName, client, requestTimeout: 120_000 };

let dispose: () => Promise<void>;
if (config.mode === 'close') {
  const producer = new Producer<number>(options);
  dispose = () => producer.close();
} else {
  const subscription = concat(of(1), NEVER)
    .pipe(
      toKinesis<number>({
        ...options,
        flushOnUnsubscribe: false,
        createStream: config.mode === 'createStream',
      }),
    )
    .subscribe({ error: () => undefined });
  dispose = async () => subscription.unsubscribe();
}

process.on('message', (message) => {
  if (message !== 'dispose') return;
  void dispose().then(() => {
    process.send!('disposed', () => process.disconnect());
  });
});
process.send!('started');
