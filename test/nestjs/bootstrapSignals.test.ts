// The README's bootstrap and its signals. Its flag "a signal asked for the shutdown" was set by
// listeners of SIGTERM and SIGINT of its own, registered before Nest's: a SIGTERM during start-up
// (before enableShutdownHooks()) was then swallowed, the process went on starting and ran on,
// and the other signals Nest shuts down on (SIGUSR2, SIGHUP…) during listen() had the bootstrap
// exit at once with code 1, cutting the shutdown short. The flag now listens to the signals
// enableShutdownHooks() does, from just after that call.
import { waitFor } from './fixtures/nestHarness.js';
import { startListenWorker, useSilentEndpoint, WAIT_MS } from './fixtures/listenWorkerChild.js';

jest.setTimeout(120_000);

const { endpoint, sockets } = useSilentEndpoint();
const start = (env: Record<string, string>) => startListenWorker({ KINESIS_ENDPOINT: endpoint(), ...env });

it('SIGTERM during start-up, before Nest listens to signals, ends the process as it would any program', async () => {
  const { child, lines, exited, kill } = start({ PAUSE_BEFORE_CREATE_MS: '3000' });
  try {
    await waitFor('the start-up', () => lines.includes('starting'), WAIT_MS);
    child.kill('SIGTERM');
    expect(await exited()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(lines).toEqual(['starting']);
  } finally {
    kill();
  }
});

it('SIGUSR2 during listen(), a signal Nest shuts down on too: the shutdown completes, then the signal ends the process', async () => {
  const { child, lines, exited, kill } = start({});
  try {
    await waitFor(
      'listen() to wait for the shards',
      () => lines.includes('listening') && sockets.size > 0,
      WAIT_MS,
    );
    child.kill('SIGUSR2');
    expect(await exited()).toEqual({ code: null, signal: 'SIGUSR2' });
    expect(lines).toEqual(['listening', 'shutdown hook']);
  } finally {
    kill();
  }
});
