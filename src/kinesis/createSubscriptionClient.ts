import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { cancelledOnDestroy, clientCredentials } from './boundedCredentials.js';
import { callDeadlineMs } from './callDeadline.js';
import { validateConnectionTimeouts, type KinesisConnectionOptions } from './createKinesisClient.js';
import { resolveKinesisEndpoint } from './kinesisEndpoint.js';
import { checkConnectionOptionNames } from './connectionOptionNames.js';
import { validateClientOptions } from './validateClientOptions.js';

/**
 * A KinesisClient for SubscribeToShard (enhanced fan-out), which needs HTTP/2: the SDK's
 * HTTP/2 handler for every endpoint, cleartext HTTP/2 (h2c) for an http:// one such as the
 * embedded local Kinesis. One HTTP/2 session per subscription (the SDK isolates event streams),
 * so a paused subscription's flow control never holds another. The handler has no idle timeout:
 * the subscription's own silence deadline (on the consumer's scheduler) bounds every wait.
 * A credentials provider has `connectTimeout` + `requestTimeout` for each call, as with
 * createKinesisClient(). Its options are checked as createKinesisClient() checks them
 * (InvalidOptionError).
 */
export function createSubscriptionClient(options: Omit<KinesisConnectionOptions, 'client'>): KinesisClient {
  if (typeof options === 'object' && options !== null) checkConnectionOptionNames(options, false);
  const { region, credentials } = validateClientOptions(options);
  const { connectTimeout, requestTimeout } = validateConnectionTimeouts(options);
  const config: KinesisClientConfig = { maxAttempts: 1 };
  if (region !== undefined) config.region = region;
  // The SDK shares one pending call of a provider between the calls that need credentials: one
  // that never settled held every later SubscribeToShard (each abandoned at the silence deadline).
  const given = clientCredentials(
    credentials,
    callDeadlineMs(connectTimeout, requestTimeout),
    requestTimeout,
  );
  if (given.credentials !== undefined) config.credentials = given.credentials;
  const endpoint = resolveKinesisEndpoint(options.endpoint);
  if (endpoint !== undefined) config.endpoint = endpoint.value;
  config.requestHandler = new NodeHttp2Handler({ requestTimeout: 0, disableConcurrentStreams: true });
  const client = new KinesisClient(config);
  cancelledOnDestroy(client, given.bounded);
  return client;
}
