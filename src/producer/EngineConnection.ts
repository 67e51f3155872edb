import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { buildKinesisClient } from '../kinesis/createKinesisClient.js';
import { ConnectionFailureDeadline } from './ConnectionFailureDeadline.js';
import { ProducerCalls } from './ProducerCalls.js';
import type { ProducerOptions, ResolvedProducerOptions } from './ProducerOptions.js';

/** A producer engine's way to Kinesis: its client, its calls in flight, its connection deadline. */
export interface EngineConnection {
  readonly client: KinesisClient;
  /** True when the engine built the client (it destroys it when disposed). */
  readonly ownsClient: boolean;
  /** Every call to Kinesis in flight, aborted on dispose. */
  readonly calls: ProducerCalls;
  readonly connection: ConnectionFailureDeadline;
}

/**
 * The client (the caller's own, or one built from the options), the calls with a deadline when
 * the client is the caller's (the library's own clients have deadlines in their request handler;
 * a caller's may not), and the connection-failure deadline.
 */
export function engineConnection<T>(
  options: ProducerOptions<T>,
  resolved: ResolvedProducerOptions<T>,
): EngineConnection {
  const { address, scheduler, connectTimeout, requestTimeout } = resolved;
  const ownsClient = options.client === undefined;
  const client = buildKinesisClient({
    ...options,
    ...(options.region === undefined && address.region !== undefined ? { region: address.region } : {}),
  });
  const connection = new ConnectionFailureDeadline(
    resolved.connectionFailureTimeout,
    address.streamName,
    options.endpoint,
    options.region ?? address.region,
    !ownsClient,
  );
  const calls = new ProducerCalls(
    ownsClient ? undefined : { ms: connectTimeout + requestTimeout, scheduler },
  );
  return { client, ownsClient, calls, connection };
}
