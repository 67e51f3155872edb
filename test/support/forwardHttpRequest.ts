// Sends a request a test proxy received on to its upstream server and collects the whole answer.
import { request, type IncomingMessage } from 'node:http';

export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** `incoming` (whose body was read into `body`) sent on to `target`, on a connection of its own. */
export function forwardHttpRequest(
  target: URL,
  incoming: IncomingMessage,
  body: Buffer,
): Promise<ForwardedAnswer> {
  return new Promise<ForwardedAnswer>((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, connection: 'close' },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
