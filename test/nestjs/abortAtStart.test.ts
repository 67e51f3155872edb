// A Nest microservice started as the README shows (enableShutdownHooks(), then listen()) whose
// start-up fails with an AbortedError no signal caused (a request aborted by the SDK's request
// handler): the bootstrap's failure handler ends the process with code 1. It used to let every
// AbortedError pass (for the shutdown a SIGTERM during listen() starts), so such a process ended
// with code 0 and no word (or, with a checkpointer's connection open, went on running without a
// consumer).
import { startListenWorker } from './fixtures/listenWorkerChild.js';

jest.setTimeout(120_000);

it('an AbortedError from listen() that no signal caused ends the process with code 1', async () => {
  // Nothing listens there: every request is aborted before it is sent.
  const { lines, exited, kill } = startListenWorker({
    KINESIS_ENDPOINT: 'http://127.0.0.1:9',
    ABORT_AT_START: '1',
  });
  try {
    const outcome = await exited();

    expect(outcome).toEqual({ code: 1, signal: null });
    expect(lines[0]).toBe('listening');
    expect(lines[1]).toMatch(/^listen failed: AbortedError: .*aborted/);
  } finally {
    kill();
  }
});
