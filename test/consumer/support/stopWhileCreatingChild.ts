// A consumer in a child process, for stopDuringCreateStream.test.ts:
//   node <test/consumer/support/stopWhileCreatingChild.ts compiled> '<ChildConfig as JSON>'
// It subscribes to fromKinesis() with `createStream: true` on a client the consumer builds, tells
// the parent 'started', and on 'stop' unsubscribes, awaits stopped(), tells the parent 'stopped'
// and lets go of the IPC channel. It neither exits nor closes anything else: the process ends only
// when nothing the consumer started is left.
import { fromKinesis } from '../../../src/observables/fromKinesis.js';

export interface ChildConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streamName: string;
  /** Read with SubscribeToShard as this stream consumer, else by polling. */
  readonly consumerName?: string;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const consumer = fromKinesis({
  streamName: config.streamName,
  endpoint: config.endpoint,
  region: config.region,
  credentials: config.credentials,
  createStream: true,
  ...(config.consumerName === undefined ? {} : { enhancedFanOut: { consumerName: config.consumerName } }),
});
const subscription = consumer.subscribe({
  error: (error: unknown) => process.send!(`error: ${String(error)}`),
});

process.on('message', (message) => {
  if (message !== 'stop') return;
  subscription.unsubscribe();
  void consumer.stopped().then(() => {
    process.send!('stopped', () => process.disconnect());
  });
});
process.send!('started');
