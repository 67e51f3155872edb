// One test Kinesis per test file: started before the file's tests, stopped after them.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LocalKinesisStats } from '../../src/local/LocalKinesisStats.js';
import { startTestKinesis, type TestKinesis, type TestKinesisOptions } from './kinesis.js';

/**
 * Registers beforeAll/afterAll hooks that start a test Kinesis and close it, and returns a handle
 * that forwards to it (use it only inside tests and hooks, once it has started).
 */
export function useTestKinesis(options: TestKinesisOptions = {}): TestKinesis {
  let started: TestKinesis | undefined;
  const current = (): TestKinesis => {
    if (started === undefined) throw new Error('the test Kinesis is used before beforeAll started it');
    return started;
  };
  beforeAll(async () => {
    started = await startTestKinesis(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get endpoint(): string {
      return current().endpoint;
    },
    get region(): string {
      return current().region;
    },
    get credentials(): TestKinesis['credentials'] {
      return current().credentials;
    },
    get stats(): LocalKinesisStats | undefined {
      return current().stats;
    },
    createClient: (): KinesisClient => current().createClient(),
    createStream: (name, shards) => current().createStream(name, shards),
    deleteStream: (name) => current().deleteStream(name),
    close: () => current().close(),
  };
}
