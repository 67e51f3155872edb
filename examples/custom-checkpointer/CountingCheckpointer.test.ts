// Runs the checkpointer conformance suite against CountingCheckpointer, on a fake clock.
// Under Vitest: import { describe, it, beforeEach, afterEach, expect } from 'vitest' and pass
// { describe, it, beforeEach, afterEach, expect } as the last argument (or set globals: true).
import { randomUUID } from 'node:crypto';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { describeCheckpointerConformance } from 'rxjs-kinesis/testing';
import { CountingCheckpointer } from './CountingCheckpointer.js';

describeCheckpointerConformance(
  'CountingCheckpointer',
  async () => {
    let time = 1_700_000_000_000;
    const checkpointer = new CountingCheckpointer(
      new MemoryCheckpointer({ leaseDurationMs: 10_000, now: () => time }),
    );
    return {
      checkpointer,
      streamName: `orders-${randomUUID()}`,
      advanceTime: async (ms) => {
        time += ms;
      },
      cleanup: () => checkpointer.close(),
    };
  },
  // Jest's globals, passed explicitly as a runner without globals needs.
  { describe, it, beforeEach, afterEach, expect },
);
