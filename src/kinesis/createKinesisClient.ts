import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

export interface KinesisCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How to reach Kinesis: a caller's own client, or the parts to build one. */
export interface KinesisConnectionOptions {
  /** A client of your own. When given, region/endpoint/credentials are ignored. */
  readonly client?: KinesisClient;
  /** AWS region. Defaults to the SDK's resolution (AWS_REGION, profile), or the region of a stream ARN. */
  readonly region?: string;
  /** Endpoint URL, e.g. the embedded local Kinesis. `http://` endpoints get an HTTP/1.1 keep-alive handler. */
  readonly endpoint?: string;
  /** Static credentials. Defaults to the SDK's provider chain. */
  readonly credentials?: KinesisCredentials;
  /** SDK-level retry attempts (the library retries on its own; default 1 = no SDK retries). */
  readonly maxAttempts?: number;
}

/**
 * Returns `options.client` if given, otherwise a new KinesisClient. For plain `http://` endpoints
 * (local Kinesis) it installs the SDK's HTTP/1.1 NodeHttpHandler with keep-alive, because the
 * default HTTP/2 handler cannot talk to plain-HTTP servers.
 */
export function createKinesisClient(options: KinesisConnectionOptions = {}): KinesisClient {
  if (options.client !== undefined) {
    if (
      !(options.client instanceof KinesisClient) &&
      typeof (options.client as { send?: unknown }).send !== 'function'
    ) {
      throw new InvalidOptionError(
        'client',
        options.client,
        'expected a KinesisClient from @aws-sdk/client-kinesis',
      );
    }
    return options.client;
  }
  const config: KinesisClientConfig = { maxAttempts: options.maxAttempts ?? 1 };
  if (options.region !== undefined) {
    if (typeof options.region !== 'string' || !/^[a-z0-9-]{1,64}$/.test(options.region)) {
      throw new InvalidOptionError('region', options.region, 'expected an AWS region such as "eu-west-1"');
    }
    config.region = options.region;
  }
  if (options.credentials !== undefined) {
    const { accessKeyId, secretAccessKey } = options.credentials;
    if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
      throw new InvalidOptionError(
        'credentials',
        '[redacted]',
        'expected { accessKeyId: string, secretAccessKey: string, sessionToken?: string }',
      );
    }
    config.credentials = { ...options.credentials };
  }
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch (error) {
      throw Object.assign(
        new InvalidOptionError('endpoint', options.endpoint, 'expected an absolute http:// or https:// URL'),
        { cause: error },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidOptionError(
        'endpoint',
        options.endpoint,
        'expected an absolute http:// or https:// URL',
      );
    }
    config.endpoint = options.endpoint;
    config.requestHandler =
      url.protocol === 'http:'
        ? new NodeHttpHandler({ httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }) })
        : new NodeHttpHandler({ httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) });
  }
  return new KinesisClient(config);
}
