// Why the local Kinesis could not listen, in terms of the option to change. A port below 1024
// asked for by a user without the privilege fails with EACCES: that is the port's fault, and it
// used to be reported as an invalid "host".
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { listenFailure } from '../../src/local/listenFailure.js';

const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

test('a privileged port (EACCES) names the port, the privilege it needs and how to pick another', () => {
  const cause = failure('EACCES');
  const error = listenFailure(cause, 80, '127.0.0.1');
  expect(error).toBeInstanceOf(InvalidOptionError);
  expect(error).toMatchObject({ option: 'port', value: 80, cause });
  expect((error as Error).message).toBe(
    'Invalid option "port": got 80; port 80 on 127.0.0.1 needs privileges this process lacks (EACCES: ' +
      'ports below 1024 need root or CAP_NET_BIND_SERVICE); choose a port from 1024 up, or 0 for a free one',
  );
});

test('a port in use names the port', () => {
  const error = listenFailure(failure('EADDRINUSE'), 4567, '127.0.0.1');
  expect(error).toMatchObject({ option: 'port', value: 4567 });
  expect((error as Error).message).toContain('port 4567 on 127.0.0.1 is already in use');
});

test.each(['EADDRNOTAVAIL', 'ENOTFOUND'])(
  'an address this machine does not have (%s) names the host',
  (code) => {
    const error = listenFailure(failure(code), 4567, '10.9.8.7');
    expect(error).toMatchObject({ option: 'host', value: '10.9.8.7' });
    expect((error as Error).message).toContain(`cannot listen on 10.9.8.7:4567 (${code})`);
  },
);

test('any other failure is passed on as it is', () => {
  const other = failure('EMFILE');
  expect(listenFailure(other, 4567, '127.0.0.1')).toBe(other);
});
