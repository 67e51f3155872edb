// SIGTERM to a Nest microservice started as the README shows (enableShutdownHooks(), then
// listen()) while listen() still waits for the stream's shards: Nest's shutdown runs to its end
// (onApplicationShutdown included) and ends the process with the signal, instead of the
// bootstrap's failure handler exiting at once when listen() rejects.
import { waitFor } from './fixtures/nestHarness.js';
import { startListenWorker, useSilentEndpoint, WAIT_MS } from './fixtures/listenWorkerChild.js';

jest.setTimeout(120_000);

const { endpoint, sockets } = useSilentEndpoint();

it('SIGTERM during listen(): the shutdown completes (onApplicationShutdown runs), then the signal ends the process', async () => {
  const { child, lines, exited, kill } = startListenWorker({ KINESIS_ENDPOINT: endpoint() });
  try {
    await waitFor(
      'listen() to wait for the shards',
      () => lines.includes('listening') && sockets.size > 0,
      WAIT_MS,
    );
    child.kill('SIGTERM');
    const outcome = await exited();

    expect(lines).toEqual(['listening', 'shutdown hook']);
    expect(outcome).toEqual({ code: null, signal: 'SIGTERM' });
  } finally {
    kill();
  }
});
