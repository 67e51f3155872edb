// Case: kinesalite throws from its request's 'error' listener, so a request whose client went
// away before the body ended (the front closing with a request still passed on, a forwarding
// deadline, a killed client) threw `aborted` out of the process running the local Kinesis.
import { connect, type AddressInfo } from 'node:net';
import { kinesalite } from '../../src/local/loadKinesalite.js';

test('a request cut off mid-body ends quietly; the store goes on answering', async () => {
  const { server, statusTimers } = kinesalite({});
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify({ StreamName: 'cut-off', Data: 'AA==', PartitionKey: 'k' });
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const requestReceived = new Promise<void>((resolve) => server.once('request', () => resolve()));
    socket.write(
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n' +
        `X-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: ${body.length + 100}\r\n\r\n` +
        body.slice(0, 10),
    );
    await requestReceived;
    socket.destroy();
    // The throw was uncaught: jest fails the suite with `aborted`.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answer = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'Kinesis_20131202.ListStreams',
      },
      body: '{}',
    });
    expect(answer.status).toBe(400); // unsigned: kinesalite answers, with its signature error
  } finally {
    statusTimers.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
