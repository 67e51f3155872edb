import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/**
 * Cross-origin access to the local endpoint, so that a page served from another origin (an
 * Angular dev server on :4200, a test page) can call it with fetch: `true` lets every origin in,
 * `{ origins: [...] }` only those (exact `scheme://host:port` strings).
 */
export type LocalKinesisCors = boolean | { readonly origins: readonly string[] };

/** Request headers a browser may send to Kinesis (the SDK's signing and metadata headers). */
const ALLOWED_HEADER = /^(?:authorization|content-type|content-length|x-amz-[a-z0-9-]+|amz-sdk-[a-z0-9-]+)$/;
/** Response headers the SDK reads beyond the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, x-amz-id-2, date';
const ALLOWED_METHODS = 'POST, GET, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** Which origins may call the endpoint. */
export interface CorsPolicy {
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
}

/** Validates the `cors` option; undefined when CORS is off. Throws InvalidOptionError. */
export function resolveCors(cors: unknown): CorsPolicy | undefined {
  if (cors === undefined || cors === false) return undefined;
  if (cors === true) return { anyOrigin: true, origins: new Set() };
  const origins =
    typeof cors === 'object' && cors !== null ? (cors as { origins?: unknown }).origins : undefined;
  const allowed = 'expected true, false or { origins: ["http://localhost:4200", ...] }';
  if (!Array.isArray(origins) || origins.length === 0) throw new InvalidOptionError('cors', cors, allowed);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin) {
      throw new InvalidOptionError('cors', cors, `${allowed}; each origin is scheme://host[:port]`);
    }
  }
  return { anyOrigin: false, origins: new Set(origins as string[]) };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Applies the policy (undefined: CORS off) to one request: adds the CORS headers for an allowed origin and answers a
 * preflight (OPTIONS with Access-Control-Request-Method) itself: 204 when the origin, method and
 * headers are allowed, else 403 without CORS headers (the browser then refuses the call).
 * Returns true when it answered the request.
 */
export function applyCors(
  policy: CorsPolicy | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const origin = header(req, 'origin');
  // The backing store (kinesalite) answers every origin itself: it is not told of one, so that
  // this policy alone decides (off: no cross-origin access).
  delete req.headers.origin;
  if (policy === undefined) return false;
  const preflight = req.method === 'OPTIONS' && header(req, 'access-control-request-method') !== undefined;
  const allowedOrigin = origin !== undefined && (policy.anyOrigin || policy.origins.has(origin));
  if (!preflight) {
    if (allowedOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      res.setHeader('Vary', 'Origin');
    }
    return false;
  }
  const method = (header(req, 'access-control-request-method') ?? '').toUpperCase();
  const requested = (header(req, 'access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (
    !allowedOrigin ||
    !ALLOWED_METHODS.includes(method) ||
    !requested.every((name) => ALLOWED_HEADER.test(name))
  ) {
    res.writeHead(403, { 'Content-Length': 0, Vary: 'Origin' }).end();
    return true;
  }
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    ...(requested.length > 0 ? { 'Access-Control-Allow-Headers': requested.join(', ') } : {}),
    // A page on a public origin calling this loopback endpoint (Chromium's Private Network Access).
    ...(header(req, 'access-control-request-private-network') === 'true'
      ? { 'Access-Control-Allow-Private-Network': 'true' }
      : {}),
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
    'Content-Length': 0,
    Vary: 'Origin',
  });
  res.end();
  return true;
}
