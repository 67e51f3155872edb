// A record the consumer's processor cannot decode is an event of its shard like any other: its
// dead-letter callback runs in the shard's order (after the handlers of the events before it,
// before those after it), and while it runs the other shards go on.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer, type ConsumerEvent } from 'rxjs-kinesis';
import { KinesisTransportStrategy, type KinesisContext, type KinesisDeadLetter } from 'rxjs-kinesis/nestjs';
import { Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

/** Writes raw bytes to the shard whose hash-key range starts at `hashKey`; resolves with its sequence number. */
async function putRaw(streamName: string, hashKey: string, data: string): Promise<string> {
  const client = harness.kinesis.createClient();
  try {
    const answer = await client.send(
      new PutRecordCommand({
        StreamName: streamName,
        PartitionKey: 'raw',
        ExplicitHashKey: hashKey,
        Data: Buffer.from(data),
      }),
    );
    return answer.SequenceNumber as string;
  } finally {
    client.destroy();
  }
}

/** An event as KinesisClientProxy writes it, to the shard whose range starts at `hashKey`. */
function putEvent(streamName: string, hashKey: string, pattern: string, data: unknown): Promise<string> {
  return putRaw(streamName, hashKey, JSON.stringify({ pattern, data }));
}

/** The first hash key of each shard of the stream, by shard id. */
async function shardStarts(streamName: string): Promise<string[]> {
  const client = harness.kinesis.createClient();
  try {
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    return Shards.map((shard) => shard.HashKeyRange?.StartingHashKey ?? '');
  } finally {
    client.destroy();
  }
}

it("dead-letters an undecodable record after the handlers of its shard's earlier events, before the later ones", async () => {
  const streamName = await harness.createStream('nest-undecodable-order');
  const [start = '0'] = await shardStarts(streamName);
  const steps: string[] = [];
  const gate = new Gate();
  @Controller()
  class OrderController {
    @EventPattern('step')
    async step(@Payload() data: { id: string }): Promise<void> {
      if (data.id === 'first') {
        gate.entered = true;
        await gate.opened;
      }
      steps.push(`handled ${data.id}`);
    }
  }
  const checkpointer = new MemoryCheckpointer();
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter: KinesisDeadLetter) => void steps.push(`dead-lettered ${deadLetter.reason}`),
  });
  await harness.startApp(strategy, [OrderController]);
  await putEvent(streamName, start, 'step', { id: 'first' });
  const bad = await putRaw(streamName, start, 'not json {');
  const last = await putEvent(streamName, start, 'step', { id: 'last' });
  await waitFor('the first handler', () => gate.entered, WAIT_MS);
  // The records after it are read meanwhile (the shard is polled every 100 ms): nothing of them
  // may be done while the first event's handler runs.
  await waitFor(
    'the later records read',
    () =>
      strategy
        .unwrap()
        .stats()
        .shards.some((shard) => shard.records >= 3),
    WAIT_MS,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(steps).toEqual([]);
  gate.open();
  await waitFor('the last event', () => steps.includes('handled last'), WAIT_MS);
  expect(steps).toEqual(['handled first', 'dead-lettered undecodable', 'handled last']);
  await waitFor(
    'the last checkpoint',
    () => {
      const [shard] = checkpointer.snapshot();
      return shard?.checkpoint?.kind === 'position' && shard.checkpoint.position.sequenceNumber === last;
    },
    WAIT_MS,
  );
  expect(bad < last).toBe(true);
});

it('a slow dead-letter callback of an undecodable record holds back its own shard only', async () => {
  const streamName = await harness.createStream('nest-undecodable-shards', 2);
  const [first = '0', second = '0'] = await shardStarts(streamName);
  const handled: string[] = [];
  const gate = new Gate();
  @Controller()
  class ShardsController {
    @EventPattern('step')
    step(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
      handled.push(`${data.id}@${context.getShardId()}`);
    }
  }
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: async () => {
      gate.entered = true;
      await gate.opened;
    },
  });
  await harness.startApp(strategy, [ShardsController]);
  await putRaw(streamName, first, 'not json {');
  await putEvent(streamName, first, 'step', { id: 'after-bad' });
  await waitFor('the dead-letter callback', () => gate.entered, WAIT_MS);
  // Another shard's events are handled while the callback runs.
  await putEvent(streamName, second, 'step', { id: 'other' });
  try {
    await waitFor('the other shard', () => handled.some((entry) => entry.startsWith('other@')), WAIT_MS);
    expect(handled).toEqual([`other@shardId-000000000001`]);
  } finally {
    gate.open();
  }
  await waitFor('the event after the bad record', () => handled.length === 2, WAIT_MS);
  expect(handled).toEqual(['other@shardId-000000000001', 'after-bad@shardId-000000000000']);
});

it('an undecodable record read before the lease was lost is left to the next owner, not dead-lettered', async () => {
  const streamName = await harness.createStream('nest-undecodable-lost');
  const [start = '0'] = await shardStarts(streamName);
  // The store's clock can be moved: another worker takes the lease as if it had run out.
  let skew = 0;
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 3000, now: () => Date.now() + skew });
  const gate = new Gate();
  let abortedWhenDone: boolean | undefined;
  @Controller()
  class LostController {
    @EventPattern('step')
    async step(@Ctx() context: KinesisContext): Promise<void> {
      gate.entered = true;
      await gate.opened;
      abortedWhenDone = context.getAbortSignal().aborted;
    }
  }
  await putEvent(streamName, start, 'step', { id: 'first' });
  await putRaw(streamName, start, 'not json {');
  await putEvent(streamName, start, 'step', { id: 'last' });
  const deadLetters: KinesisDeadLetter[] = [];
  const events: ConsumerEvent[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
  strategy.on('consumer-event', (event) => events.push(event));
  await harness.startApp(strategy, [LostController]);
  const consumer = strategy.unwrap();
  await waitFor('the first handler', () => gate.entered, WAIT_MS);
  await waitFor('every record read', () => consumer.stats().inFlight === 3, WAIT_MS);

  skew = 3_600_000;
  const taking = checkpointer.acquireLease(streamName, 'shardId-000000000000', 'other-worker');
  skew = 0;
  expect(await taking).toBeDefined();
  await waitFor('the loss', () => events.some((event) => event.type === 'lease-lost'), WAIT_MS);
  gate.open();
  await waitFor('the first handler to end', () => abortedWhenDone !== undefined, WAIT_MS);
  await waitFor('the records of the lost lease to settle', () => consumer.stats().inFlight === 0, WAIT_MS);
  expect(abortedWhenDone).toBe(true);
  expect(deadLetters.map((deadLetter) => deadLetter.reason)).toEqual([]);
  expect(checkpointer.snapshot()).toEqual([]);
});
