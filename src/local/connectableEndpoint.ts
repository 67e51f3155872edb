import { isIPv4, isIPv6 } from 'node:net';

/** Where a server listens, as `server.address()` reports it. */
export interface ListenAddress {
  readonly address: string;
  readonly family: string;
  readonly port: number;
}

/**
 * Whether `host` is a wildcard address (`0.0.0.0`, `::` or another spelling of either): the
 * server listens on every interface, and the address itself is no destination to connect to.
 */
export function isAllInterfaces(host: string): boolean {
  if (isIPv4(host)) return host.split('.').every((part) => Number(part) === 0);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv6(bare) && /^[0:]+$/.test(bare);
}

/**
 * The URL a client on this machine connects to: the address the server is bound to, or its
 * family's loopback (127.0.0.1, [::1]) when it listens on every interface.
 */
export function connectableEndpoint(listening: ListenAddress): string {
  const ipv6 = listening.family === 'IPv6';
  const loopback = ipv6 ? '::1' : '127.0.0.1';
  const host = isAllInterfaces(listening.address) ? loopback : listening.address;
  return `http://${ipv6 ? `[${host}]` : host}:${listening.port}`;
}
