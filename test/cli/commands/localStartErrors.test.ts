// What `rxjs-kinesis local` prints when the port it was given cannot be listened on. Running as
// root, a test cannot be refused a privileged port: the local Kinesis's refusal is built here as
// startLocalKinesis builds it (listenFailure) from the EACCES that listen() gives other users.
import { localOptionMessage } from '../../../src/cli/commands/localStartErrors.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';
import { listenFailure } from '../../../src/local/listenFailure.js';

const refused = (code: string, port: number, host = '127.0.0.1') =>
  listenFailure(Object.assign(new Error(`listen ${code}`), { code }), port, host) as InvalidOptionError;

test('--port 80 without the privilege: says the port needs it and which flag picks another', () => {
  expect(localOptionMessage(refused('EACCES', 80), '127.0.0.1', false)).toBe(
    'port 80 on 127.0.0.1 needs privileges this user lacks (EACCES: ports below 1024 need root or ' +
      'CAP_NET_BIND_SERVICE); choose another with --port <n> (1024 or more), or --port 0 for a free one.',
  );
});

test('a busy port still says it is in use, and whether it is the default one', () => {
  expect(localOptionMessage(refused('EADDRINUSE', 4567), '127.0.0.1', true)).toBe(
    'port 4567 on 127.0.0.1 is already in use (the default port); ' +
      'choose another with --port <n>, or --port 0 for a free one.',
  );
});

test('other refusals keep the local Kinesis message', () => {
  const error = refused('EADDRNOTAVAIL', 4567, '10.9.8.7');
  expect(localOptionMessage(error, '10.9.8.7', false)).toBe(error.message);
});
