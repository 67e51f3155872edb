import type { Checkpointer } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { Logger } from '../../src/logging/Logger.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { until } from '../support/streamRecords.js';

// The cleanup of trimmed shards' state is part of the run: a stop waits for its checkpointer call
// under way, so nothing reaches the checkpointer once stopped() resolved (the caller closes it then).

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('stopped() waits for a forgetShards call under way, and a failure after the stop is not warned of', async () => {
  const streamName = uniqueStreamName('cleanup-stop');
  await kinesis.createStream(streamName, 1);
  const memory = new MemoryCheckpointer();
  // The state of a shard the stream no longer lists (trimmed after a resharding).
  const gone = await memory.acquireLease(streamName, 'shardId-000000000099', 'old-worker');
  if (gone === undefined) throw new Error('not acquired');
  await memory.markShardEnd(gone);
  await memory.releaseLease(gone);

  let release: (() => void) | undefined;
  let forgetCalls = 0;
  let forgetSettled = false;
  const checkpointer = Object.assign(Object.create(memory) as Checkpointer, {
    forgetShards: async (name: string, shardIds: readonly string[]) => {
      forgetCalls += 1;
      await new Promise<void>((resolve) => (release = resolve));
      forgetSettled = true;
      // The caller closed the checkpointer meanwhile.
      throw new Error(`closed while forgetting ${name} ${shardIds.join(',')}`);
    },
  });
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    warn: (message) => void warnings.push(message),
    error: () => undefined,
  };
  const consumer = fromKinesis({
    streamName,
    client: kinesis.createClient(),
    checkpointer,
    shardRefreshInterval: 100,
    logger,
  });
  const subscription = consumer.subscribe();
  await until(() => forgetCalls > 0, 'the forgetShards call');
  subscription.unsubscribe();
  let stopped = false;
  const stopping = consumer.stopped().then(() => (stopped = true));
  await sleep(300);
  expect(stopped).toBe(false);
  release?.();
  await stopping;
  expect(forgetSettled).toBe(true);
  expect(forgetCalls).toBe(1);
  expect(warnings.filter((message) => /trimmed shards/.test(message))).toEqual([]);
});
