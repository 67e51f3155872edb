import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { createRequestHandler } from '../platform/requestHandler.js';
import { resolveKinesisEndpoint } from './kinesisEndpoint.js';
import { allowPutRecordsWire } from './putRecordsWire.js';
import { cancelledOnDestroy, clientCredentials } from './boundedCredentials.js';
import { callDeadlineMs } from './callDeadline.js';
import { checkConnectionOptionNames } from './connectionOptionNames.js';
import { validateClientOptions } from './validateClientOptions.js';

export interface KinesisCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials expire; the SDK asks a provider for new ones before then. */
  readonly expiration?: Date;
  /** The account the credentials belong to (the SDK uses it for account-based endpoints). */
  readonly accountId?: string;
  /** The credential scope the credentials were issued for, when they carry one. */
  readonly credentialScope?: string;
}

/**
 * A function the SDK calls for (fresh) credentials, such as `fromCognitoIdentityPool(...)` from
 * `@aws-sdk/credential-providers` in a browser.
 */
export type KinesisCredentialsProvider = () => Promise<KinesisCredentials>;

/** How to reach Kinesis: a caller's own client, or the parts to build one. */
export interface KinesisConnectionOptions {
  /** A client of your own. When given, region/endpoint/credentials are ignored. */
  readonly client?: KinesisClient | undefined;
  /** AWS region. Defaults to the SDK's resolution (AWS_REGION, profile), or the region of a stream ARN. */
  readonly region?: string | undefined;
  /**
   * Endpoint URL, e.g. the embedded local Kinesis. Default: `AWS_ENDPOINT_URL_KINESIS`, else
   * `AWS_ENDPOINT_URL`, else `KINESIS_ENDPOINT`, else AWS. Endpoints given either way get the
   * HTTP/1.1 keep-alive handler (the SDK's default HTTP/2 handler cannot talk to plain http://).
   */
  readonly endpoint?: string | undefined;
  /**
   * Static credentials, or a provider of temporary ones (called again before they expire).
   * Defaults to the SDK's provider chain (on Node; a browser has none: give a provider).
   */
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider | undefined;
  /** SDK-level attempts per call, an integer >= 1 (the library retries on its own; default 1 = no SDK retries). */
  readonly maxAttempts?: number | undefined;
  /**
   * Longest wait for a connection to Kinesis, in ms. Default 5,000. With `client`, a producer
   * gives each of its calls connectTimeout + requestTimeout in all (see requestTimeout).
   */
  readonly connectTimeout?: number | undefined;
  /**
   * Longest wait for the answer to one request, in ms: from sending it to the answer's headers,
   * and again for each pause while its body arrives. A request past it fails with
   * RequestTimeoutError (retriable). Default 30,000. With `client` (whose handler may wait for
   * ever), a producer aborts each of its calls, and a consumer each but SubscribeToShard, after
   * connectTimeout + requestTimeout in all.
   */
  readonly requestTimeout?: number | undefined;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export { DEFAULT_MAX_ATTEMPTS } from './validateClientOptions.js';
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function timeout(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new InvalidOptionError(
      option,
      value,
      `expected milliseconds, an integer from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

/** Validates the connection options a client would be built from (throws InvalidOptionError). */
export function validateConnectionTimeouts(options: KinesisConnectionOptions): {
  readonly connectTimeout: number;
  readonly requestTimeout: number;
} {
  return {
    connectTimeout: timeout(options.connectTimeout, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS),
    requestTimeout: timeout(options.requestTimeout, 'requestTimeout', DEFAULT_REQUEST_TIMEOUT_MS),
  };
}

/**
 * Returns `options.client` if given, otherwise a new KinesisClient whose every request has a
 * deadline (`connectTimeout`, `requestTimeout`). On Node, with an endpoint (the option or the
 * standard environment variables, see resolveKinesisEndpoint) it installs the SDK's HTTP/1.1
 * NodeHttpHandler with keep-alive, because the default HTTP/2 handler cannot talk to plain-HTTP
 * servers; against AWS it keeps the SDK's HTTP/2 handler and bounds each request's wait. The
 * browser build uses fetch instead (see platform/requestHandler.browser.ts).
 */
export function createKinesisClient(options: KinesisConnectionOptions = {}): KinesisClient {
  if (typeof options === 'object' && options !== null) checkConnectionOptionNames(options, true);
  return buildKinesisClient(options);
}

/**
 * createKinesisClient() for the library's own components, whose options hold the connection's
 * among their own (a Producer's): names other than the connection's are not refused.
 */
export function buildKinesisClient(options: KinesisConnectionOptions = {}): KinesisClient {
  const settings = validateClientOptions(options);
  if (options.client !== undefined) return options.client;
  const config: KinesisClientConfig = { maxAttempts: settings.maxAttempts };
  if (settings.region !== undefined) config.region = settings.region;
  const { connectTimeout, requestTimeout } = validateConnectionTimeouts(options);
  const { credentials } = settings;
  // A provider is asked before each request is signed, outside the request handler's deadlines.
  const given = clientCredentials(
    credentials,
    callDeadlineMs(connectTimeout, requestTimeout),
    requestTimeout,
  );
  if (given.credentials !== undefined) config.credentials = given.credentials;
  const endpoint = resolveKinesisEndpoint(options.endpoint);
  if (endpoint !== undefined) config.endpoint = endpoint.value;
  config.requestHandler = createRequestHandler({ endpoint: endpoint?.url, connectTimeout, requestTimeout });
  const client = new KinesisClient(config);
  // The SDK's logging middleware copies every request and answer, with sensitive fields masked,
  // for a logger; this client has none (the SDK's default discards everything), and the copy
  // costs ~10 % of the CPU of a PutRecords call of small records and walks every record of a
  // GetRecords answer. The library logs through its own `logger` option.
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  cancelledOnDestroy(client, given.bounded);
  // The producer's PutRecords calls on this client may use the library's own request body and
  // answer reader (see putRecordsWire.ts), as long as its middleware stays as built here.
  allowPutRecordsWire(client);
  return client;
}

/** Name of the SDK's logging middleware in a client's middleware stack. */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';
