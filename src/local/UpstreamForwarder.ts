import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { endToEndHeaders } from './frontHttp.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import type { UpstreamAnswer } from './UpstreamAnswer.js';

const UPSTREAM_TIMEOUT_MS = 60_000;

/** Passes requests on to the backing store (kinesalite) over kept-alive connections. */
export class UpstreamForwarder {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    /** Where the backing store listens. */
    private readonly upstream: { readonly host: string; readonly port: number },
    private readonly stats: MutableLocalKinesisStats,
  ) {}

  /** Sends `req` (its method, path and end-to-end headers) with `body`; counted as passed on. */
  forward(req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
    this.stats.forwardedRequests += 1;
    const headers = endToEndHeaders(req.headers, body.length);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: this.upstream.host,
          port: this.upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent: this.agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 500,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      // The backing store is in-process; a request it leaves unanswered this long is a fault.
      upstream.setTimeout(UPSTREAM_TIMEOUT_MS, () =>
        upstream.destroy(new Error(`the backing store did not answer within ${UPSTREAM_TIMEOUT_MS} ms`)),
      );
      upstream.end(body);
    });
  }

  /** Drops the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
