// Shared pieces of the enhanced fan-out integration tests: the embedded local Kinesis with its
// EFO API, consumers reading with fan-out, and the stream consumers a stream has.
import { ListStreamConsumersCommand, type Consumer, type KinesisClient } from '@aws-sdk/client-kinesis';
import { lastValueFrom, take, toArray, type Observable } from 'rxjs';
import type { ConsumerOptions } from '../../../src/consumer/ConsumerOptions.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { startLocalKinesis, type LocalKinesis } from '../../../src/local/index.js';
import type { LocalKinesisOptions } from '../../../src/local/LocalKinesisOptions.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';

/** The embedded local Kinesis, with stream consumers ACTIVE 100 ms after registration. */
export function startFanOutKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  return startLocalKinesis({ ...options, efo: { consumerStatusDelayMs: 100, ...options.efo } });
}

/** fromKinesis() options to read `streamName` of `kinesis` with fan-out as `consumerName`. */
export function fanOutOptions(
  kinesis: LocalKinesis,
  streamName: string,
  consumerName: string,
  extra: Partial<ConsumerOptions> = {},
): ConsumerOptions {
  return {
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: { ...kinesis.credentials },
    enhancedFanOut: { consumerName },
    ...extra,
  };
}

export const text = (record: KinesisRecord): string => Buffer.from(record.data).toString();

/** Reads `count` records with checkpoint() and stops. */
export async function readCount(
  consumer: KinesisConsumerObservable,
  count: number,
): Promise<KinesisRecord[]> {
  const records = await lastValueFrom(
    (consumer as Observable<KinesisRecord>).pipe(checkpoint(), take(count), toArray()),
  );
  await consumer.stopped();
  return records;
}

/** The stream consumers of a stream (any status). */
export async function streamConsumers(client: KinesisClient, streamArn: string): Promise<Consumer[]> {
  const output = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
  return output.Consumers ?? [];
}

export { fromKinesis };
