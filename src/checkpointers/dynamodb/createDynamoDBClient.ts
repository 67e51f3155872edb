import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { cancelledOnDestroy, clientCredentials } from '../../kinesis/boundedCredentials.js';
import type { KinesisCredentials, KinesisCredentialsProvider } from '../../kinesis/createKinesisClient.js';
import type { DynamoDBCheckpointerOptions } from './DynamoDBCheckpointerOptions.js';
import type { DynamoDBClientLike } from './DynamoDBClientLike.js';
import { loadDynamoDB } from './loadDynamoDB.js';

/** The client a checkpointer sends with, and how to let it go at close(). */
export interface DynamoDBClientInUse {
  readonly client: DynamoDBClientLike;
  /** Destroys a client made here; leaves the caller's own open. */
  readonly release: () => void;
}

/**
 * The caller's client, or a new DynamoDBClient (SDK retries off: the checkpointer retries on its
 * own) whose requests, and calls of a credentials provider, have connection and answer deadlines. An endpoint (the option, else
 * `DYNAMODB_ENDPOINT`) gets the HTTP/1.1 handler, which also talks to plain-http local servers.
 */
export function createDynamoDBClient(
  options: DynamoDBCheckpointerOptions,
  checked: {
    readonly connectTimeout: number;
    readonly requestTimeout: number;
    readonly region: string | undefined;
    readonly credentials: KinesisCredentials | KinesisCredentialsProvider | undefined;
  },
): DynamoDBClientInUse {
  if (options.client !== undefined) {
    if (typeof (options.client as { send?: unknown }).send !== 'function')
      throw new InvalidOptionError('client', options.client, 'expected a DynamoDBClient');
    return { client: options.client, release: () => {} };
  }
  const sdk = loadDynamoDB();
  const config: DynamoDBClientConfig = { maxAttempts: 1 };
  if (checked.region !== undefined) config.region = checked.region;
  // A provider's calls get a deadline (the SDK waits for a provider for ever, outside the
  // request's own deadlines), ended by destroy(): connectTimeout + requestTimeout, as Kinesis's.
  const given = clientCredentials(checked.credentials, checked.connectTimeout + checked.requestTimeout);
  if (given.credentials !== undefined) config.credentials = given.credentials;
  const fromOption = options.endpoint !== undefined;
  const endpoint = options.endpoint ?? nonEmpty(process.env.DYNAMODB_ENDPOINT);
  const http = {
    connectionTimeout: checked.connectTimeout,
    requestTimeout: checked.requestTimeout,
    throwOnRequestTimeout: true,
  };
  if (endpoint !== undefined) {
    const option = fromOption ? 'endpoint' : 'endpoint (from DYNAMODB_ENDPOINT)';
    const allowed = 'expected an absolute http:// or https:// URL such as http://127.0.0.1:8000';
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new InvalidOptionError(option, endpoint, allowed);
    }
    // `localhost:8000` parses as a URL of scheme `localhost:`: the SDK would fail every call.
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidOptionError(option, endpoint, allowed);
    config.endpoint = endpoint;
    config.requestHandler =
      url.protocol === 'http:'
        ? new NodeHttpHandler({ ...http, httpAgent: new HttpAgent({ keepAlive: true }) })
        : new NodeHttpHandler({ ...http, httpsAgent: new HttpsAgent({ keepAlive: true }) });
  } else {
    config.requestHandler = new NodeHttpHandler({ ...http, httpsAgent: new HttpsAgent({ keepAlive: true }) });
  }
  const client = new sdk.DynamoDBClient(config);
  cancelledOnDestroy(client, given.bounded);
  return { client, release: () => client.destroy() };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
