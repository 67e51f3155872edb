// The close check of the conformance suite under the test runner's fake timers (which freeze
// performance.now() and process.hrtime): a connection left open is reported after the grace
// period, and a checkpointer that closes cleanly passes.
import { createServer, type Server } from 'node:net';
import { MemoryCheckpointer } from '../../src/index.js';
import type { CheckpointerFixture } from '../../src/testing/index.js';
import { leftAfterClose } from '../../src/testing/leftAfterClose.js';

function fixture(leak: Server[] | undefined): () => Promise<CheckpointerFixture> {
  return async () => {
    const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 800 });
    // A server the setup opens and nothing closes, as a connection a close() forgot.
    if (leak !== undefined) leak.push(createServer().listen(0, '127.0.0.1'));
    return {
      checkpointer,
      streamName: 'fake-timers',
      advanceTime: (ms) => jest.advanceTimersByTimeAsync(ms).then(() => undefined),
      cleanup: () => checkpointer.close(),
    };
  };
}

describe('the close check under fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports a handle left open once the grace period has passed', async () => {
    const leak: Server[] = [];
    try {
      const left = await leftAfterClose(fixture(leak));
      expect(left).toHaveLength(1);
      expect(left[0]).toContain('TCPSERVERWRAP started');
    } finally {
      for (const server of leak) server.close();
    }
  }, 30_000);

  it('passes a checkpointer that leaves nothing', async () => {
    await expect(leftAfterClose(fixture(undefined))).resolves.toEqual([]);
  }, 30_000);
});
