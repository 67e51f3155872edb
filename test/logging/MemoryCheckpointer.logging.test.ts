import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { CaptureLogger } from '../support/captureLogger.js';

describe('MemoryCheckpointer logger option', () => {
  it('logs leases acquired, released and lost, and close', async () => {
    let now = 0;
    const logger = new CaptureLogger();
    const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 1000, now: () => now, logger });
    const first = await checkpointer.acquireLease('s', 'shardId-1', 'w1');
    await checkpointer.releaseLease(first!);
    const second = await checkpointer.acquireLease('s', 'shardId-1', 'w1');
    now = 5000;
    await expect(checkpointer.renewLease(second!)).rejects.toThrow();
    await checkpointer.close();
    const messages = logger.messages();
    expect(logger.lines.map((line, index) => `${line.level} ${messages[index]}`)).toEqual([
      'debug lease acquired',
      'debug lease released',
      'debug lease acquired',
      'warn lease lost',
      'info memory checkpointer closed',
    ]);
  });

  it('refuses a logger without the log methods', () => {
    expect(() => new MemoryCheckpointer({ logger: {} as never })).toThrow(InvalidOptionError);
  });
});
