import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { callDeadlineMs } from '../kinesis/callDeadline.js';
import { DeadlineRequestHandler } from '../kinesis/DeadlineRequestHandler.js';

/** What a Kinesis client's HTTP handler is built from. */
export interface RequestHandlerSettings {
  /** The endpoint URL, or undefined for AWS itself. */
  readonly endpoint: URL | undefined;
  readonly connectTimeout: number;
  readonly requestTimeout: number;
}

/**
 * The HTTP handler of the clients the library creates, on Node. With an endpoint, the SDK's
 * HTTP/1.1 NodeHttpHandler with keep-alive, because the default HTTP/2 handler cannot talk to
 * plain-HTTP servers; against AWS, the SDK's HTTP/2 handler with a deadline on each request.
 * The browser build replaces this module with requestHandler.browser.ts (fetch).
 */
export function createRequestHandler(
  settings: RequestHandlerSettings,
): KinesisClientConfig['requestHandler'] {
  const { endpoint, connectTimeout, requestTimeout } = settings;
  if (endpoint !== undefined) {
    const http1 = {
      connectionTimeout: connectTimeout,
      requestTimeout,
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeout,
    };
    return endpoint.protocol === 'http:'
      ? new NodeHttpHandler({ ...http1, httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }) })
      : new NodeHttpHandler({ ...http1, httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) });
  }
  // The SDK's own default for Kinesis (HTTP/2, one session per request), with a deadline.
  return new DeadlineRequestHandler(
    new NodeHttp2Handler({ requestTimeout, disableConcurrentStreams: true }),
    callDeadlineMs(connectTimeout, requestTimeout),
  );
}
