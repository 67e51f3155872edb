import type { Checkpointer, KinesisCredentials } from 'rxjs-kinesis';
import type { KinesisClientOptions, KinesisTransportOptions } from 'rxjs-kinesis/nestjs';

export interface ExampleConnection {
  readonly streamName: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: KinesisCredentials;
  /** Where the transport keeps positions and leases (default: a MemoryCheckpointer of its own). */
  readonly checkpointer?: Checkpointer;
  readonly onDeadLetter?: KinesisTransportOptions['onDeadLetter'];
}

/**
 * Transport and client options tuned for a quick demo on a local Kinesis: short polling
 * pauses and short batching delays. Production settings keep the library defaults.
 */
export function exampleConfig(connection: ExampleConnection): {
  transport: KinesisTransportOptions;
  client: KinesisClientOptions;
} {
  const { streamName, endpoint, region, credentials, checkpointer, onDeadLetter } = connection;
  return {
    transport: {
      consumer: {
        streamName,
        endpoint,
        region,
        credentials,
        ...(checkpointer === undefined ? {} : { checkpointer }),
        iteratorType: 'TRIM_HORIZON',
        sleepTimeNoRecords: 200,
        shardFetchRate: 5,
      },
      checkpoint: { intervalMs: 200 },
      ...(onDeadLetter === undefined ? {} : { onDeadLetter }),
    },
    client: { streamName, endpoint, region, credentials, bufferTime: 20 },
  };
}
