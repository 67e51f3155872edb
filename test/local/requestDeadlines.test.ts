// The local Kinesis endpoint against requests that never finish arriving: headers sent a byte at
// a time and never ended (slowloris), a chunked HTTP/1.1 body and an HTTP/2 body that never end.
// Each is answered 408 and its connection (HTTP/1.1) or stream (HTTP/2) closed once past its
// deadline, as a listening Node HTTP server does, and the handler reading its body is not left
// waiting; requests that arrive in time are served, however long their answer takes.
import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { FrontListener } from '../../src/local/FrontListener.js';
import { readRequestBody } from '../../src/local/frontHttp.js';

jest.setTimeout(60_000);

const DEADLINES = { headersMs: 300, requestMs: 600 };

describe('local Kinesis endpoint: request deadlines', () => {
  let listener: FrontListener;
  let port: number;
  /** How each request the handler saw ended: its body's length, or 'no body'. */
  const bodies: (number | 'no body')[] = [];

  beforeAll(async () => {
    listener = new FrontListener((req, res) => {
      readRequestBody(req).then(
        (body) => {
          const length = body?.length ?? 0;
          bodies.push(length);
          // An answer that takes longer than the request deadline, for a request that arrived.
          const delay =
            req.headers['x-answer-delay'] === undefined ? 0 : Number(req.headers['x-answer-delay']);
          const text = `got ${length}`;
          setTimeout(() => res.writeHead(200, { 'content-length': text.length }).end(text), delay);
        },
        () => bodies.push('no body'),
      );
    }, DEADLINES);
    await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
    port = (listener.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await listener.close();
  });

  /** Opens a connection, writes `head`, and resolves with what came back once the server closed it. */
  function untilClosed(head: string): { socket: Socket; answer: Promise<string> } {
    const socket = connect(port, '127.0.0.1');
    socket.write(head);
    const answer = new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
    return { socket, answer };
  }

  function http1(body: string, headers = ''): Promise<string> {
    return untilClosed(
      `POST / HTTP/1.1\r\nHost: local\r\nConnection: close\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`,
    ).answer;
  }

  it('answers 408 and closes an HTTP/1.1 connection whose headers never end', async () => {
    const { answer } = untilClosed('POST / HTTP/1.1\r\nHost: local\r\nX-Slow: ');
    // Another client is served meanwhile.
    await expect(http1('{}')).resolves.toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*got 2$/);
    await expect(answer).resolves.toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers 408 and closes an HTTP/1.1 connection whose chunked body never ends', async () => {
    const before = bodies.length;
    const { answer } = untilClosed(
      'POST / HTTP/1.1\r\nHost: local\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
    );
    await expect(answer).resolves.toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // The handler's read of the body ended too (it is not left waiting for good).
    await waitFor(() => bodies.length > before);
    expect(bodies.slice(before)).toEqual(['no body']);
  });

  it('serves an HTTP/1.1 request that arrived in time, however long its answer takes', async () => {
    await expect(http1('{"a":1}', `X-Answer-Delay: ${DEADLINES.requestMs * 2}\r\n`)).resolves.toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*got 7$/,
    );
  });

  describe('over HTTP/2', () => {
    let session: ClientHttp2Session;

    beforeAll(() => {
      session = connectHttp2(`http://127.0.0.1:${port}`);
      session.on('error', () => undefined);
    });

    afterAll(() => {
      session.destroy();
    });

    function request(body: string | undefined, headers: Record<string, string> = {}) {
      const stream = session.request({ ':method': 'POST', ':path': '/', ...headers }, { endStream: false });
      stream.on('error', () => undefined);
      if (body !== undefined) stream.end(body);
      else stream.write('{');
      return new Promise<{ status: number | undefined; text: string }>((resolve) => {
        let status: number | undefined;
        let text = '';
        stream.on('response', (answer) => (status = answer[':status']));
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('close', () => resolve({ status, text }));
      });
    }

    it('answers 408 and closes a stream whose body never ends; the session goes on', async () => {
      const before = bodies.length;
      const stalled = request(undefined);
      await expect(request('{}')).resolves.toEqual({ status: 200, text: 'got 2' });
      await expect(stalled).resolves.toEqual({ status: 408, text: '' });
      await waitFor(() => bodies.includes('no body', before));
      expect(session.closed).toBe(false);
      await expect(
        request('{"a":1}', { 'x-answer-delay': String(DEADLINES.requestMs * 2) }),
      ).resolves.toEqual({ status: 200, text: 'got 7' });
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
