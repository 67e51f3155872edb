import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The client a hand-written loop uses: the SDK's own KinesisClient with its defaults, only the
 * HTTP/1.1 handler a plain-http endpoint needs. (The library builds its own client from the
 * same endpoint, region and credentials.)
 */
export function plainKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
  });
}
