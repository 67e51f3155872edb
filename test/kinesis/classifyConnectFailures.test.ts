// A connection that failed before the request went, as Node and the SDK's handlers report it:
// the HTTP/2 handler (the SDK's default on Node, kept against AWS) cancels a request that waited
// for its session to connect, with the reason as `cause`; Node's autoSelectFamily reports a host
// whose every address refused as an AggregateError with an empty message.
import { connect as connectHttp2 } from 'node:http2';
import { connect, createServer, type AddressInfo, type LookupFunction } from 'node:net';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { neverConnected, wasNotSent } from '../../src/kinesis/requestNotSent.js';

jest.setTimeout(30_000);

/** A port nobody listens on: a server opened and closed again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What an HTTP/2 request to `authority` fails with (as the SDK's HTTP/2 handler makes it). */
function http2Failure(authority: string): Promise<unknown> {
  return new Promise((resolve) => {
    const session = connectHttp2(authority);
    session.on('error', () => undefined);
    const request = session.request({ ':method': 'POST', ':path': '/' });
    request.on('error', (error) => {
      session.destroy();
      resolve(error);
    });
    request.end('{}');
  });
}

/** What a connection to `port` on a host of two loopback addresses fails with. */
function twoAddressFailure(port: number): Promise<unknown> {
  const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all === true) {
      callback(null, [
        { address: '127.0.0.1', family: 4 },
        { address: '127.0.0.2', family: 4 },
      ]);
    } else callback(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
  return new Promise((resolve) => {
    const socket = connect({ host: 'two.example', port, lookup, autoSelectFamily: true });
    socket.on('error', resolve);
  });
}

describe('a connection refused before the request went', () => {
  it('over HTTP/2 is a retriable ConnectionError with the refusal code, and not sent', async () => {
    const port = await freePort();
    const thrown = await http2Failure(`https://127.0.0.1:${port}`);
    expect((thrown as { code?: unknown }).code).toBe('ERR_HTTP2_STREAM_CANCEL');
    const classified = classifyError(thrown);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect(classified.retriable).toBe(true);
    expect((classified as ConnectionError).code).toBe('ECONNREFUSED');
    expect(neverConnected((classified as ConnectionError).code)).toBe(true);
    expect(wasNotSent(thrown)).toBe(true);
  });

  it('over HTTP/2 to a host not found is a retriable ConnectionError, and not sent', async () => {
    const thrown = await http2Failure('https://kinesis.example.invalid');
    const classified = classifyError(thrown);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect(classified.retriable).toBe(true);
    expect(neverConnected((classified as ConnectionError).code)).toBe(true);
    expect(wasNotSent(thrown)).toBe(true);
  });

  it('as the SDK wraps an HTTP/2 cancellation, is read by its reason', () => {
    const wrapped = new Error(
      'AWS SDK error wrapper for Error [ERR_HTTP2_STREAM_CANCEL]: The pending stream has been ' +
        'canceled (caused by: connect ECONNREFUSED 127.0.0.1:9)',
    );
    const classified = classifyError(wrapped);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect((classified as ConnectionError).code).toBe('ECONNREFUSED');
  });

  it('at every address of a host is a ConnectionError with the refusal code and the reasons', async () => {
    const port = await freePort();
    const thrown = await twoAddressFailure(port);
    expect((thrown as Error).name).toBe('AggregateError');
    const classified = classifyError(thrown);
    expect(classified).toBeInstanceOf(ConnectionError);
    expect((classified as ConnectionError).code).toBe('ECONNREFUSED');
    expect(neverConnected((classified as ConnectionError).code)).toBe(true);
    expect(classified.message).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(classified.message).toContain(`connect ECONNREFUSED 127.0.0.2:${port}`);
  });
});
