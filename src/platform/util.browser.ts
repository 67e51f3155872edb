/** The browser build's stand-in for util.ts: the part of node:util's `types` the library uses. */
export const types = {
  /** An Error of any realm (an iframe's, a worker's), as node:util's isNativeError tells. */
  isNativeError: (value: unknown): value is Error =>
    Object.prototype.toString.call(value) === '[object Error]',
  /** A browser cannot tell a Proxy from its target: none is recognised. */
  isProxy: (): boolean => false,
};
