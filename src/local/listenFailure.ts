import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/**
 * Why the local Kinesis could not listen on `host`:`port`, as the option to change: a port in use
 * or one this process may not take (EACCES: below 1024 without root or CAP_NET_BIND_SERVICE)
 * names the port, an address this machine does not have names the host. Anything else is
 * returned as it is. The returned error's `cause` is the listen error.
 */
export function listenFailure(error: unknown, port: number, host: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  let refusal: InvalidOptionError | undefined;
  if (code === 'EADDRINUSE') {
    refusal = new InvalidOptionError(
      'port',
      port,
      `port ${port} on ${host} is already in use; choose another port, or 0 for a free one`,
    );
  } else if (code === 'EACCES') {
    refusal = new InvalidOptionError(
      'port',
      port,
      `port ${port} on ${host} needs privileges this process lacks (EACCES: ports below 1024 need ` +
        'root or CAP_NET_BIND_SERVICE); choose a port from 1024 up, or 0 for a free one',
    );
  } else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    refusal = new InvalidOptionError('host', host, `cannot listen on ${host}:${port} (${String(code)})`);
  }
  return refusal === undefined ? error : Object.assign(refusal, { cause: error });
}
