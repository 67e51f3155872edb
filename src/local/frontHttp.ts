import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { UpstreamAnswer } from './UpstreamAnswer.js';

/** Largest request body read; kinesalite itself refuses bodies over 7 MiB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'expect',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

/**
 * The request body, or undefined if it is larger than the front reads; rejects when the request
 * ends before its body does.
 */
export function readRequestBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
    // Closed before its end (past its deadline, or dropped by the client): no 'end' will come.
    req.on('close', () => reject(new Error('the request closed before its end')));
  });
}

/** The headers passed on end to end (no hop-by-hop ones), with the length of the new body. */
export function endToEndHeaders(headers: IncomingHttpHeaders, bodyLength: number): OutgoingHttpHeaders {
  const passed: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    // HTTP/2 pseudo-headers (`:path`, `:authority`, ...) are not headers of the exchange passed on.
    if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith(':')) passed[name] = value;
  }
  passed['content-length'] = bodyLength;
  return passed;
}

export function sendAnswer(res: ServerResponse, answer: UpstreamAnswer): void {
  res.writeHead(answer.status, endToEndHeaders(answer.headers, answer.body.length)).end(answer.body);
}
