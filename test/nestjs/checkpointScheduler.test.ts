// The transport's checkpoint interval can run on a scheduler of the test's own
// (`checkpoint.scheduler`): under virtual time, the events handled are checkpointed when the
// test lets `checkpoint.intervalMs` pass on that scheduler, not after that span of real time.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(90_000);
const WAIT_MS = 30_000;
/** Far longer than the test waits in real time: only the virtual clock can reach it. */
const INTERVAL_MS = 600_000;

const harness = useNestHarness();

it('checkpoint.intervalMs runs on checkpoint.scheduler: the positions are written when virtual time reaches it', async () => {
  const streamName = await harness.createStream('nest-checkpoint-scheduler');
  const checkpointer = new MemoryCheckpointer();
  // Flushing runs what is due up to INTERVAL_MS of virtual time: the first checkpoint interval.
  const scheduler = new VirtualTimeScheduler(VirtualAction, INTERVAL_MS);
  const handled: number[] = [];

  @Controller()
  class PingController {
    @EventPattern('ping')
    onPing(@Payload() data: { n: number }): void {
      handled.push(data.n);
    }
  }

  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { batchSize: 1000, intervalMs: INTERVAL_MS, scheduler },
  });
  const app = await harness.startApp(strategy, [PingController]);
  const client = harness.client(streamName);
  for (const n of [1, 2, 3]) await emitted(client, 'ping', { n });
  await waitFor('the three events handled', () => handled.length === 3, WAIT_MS);

  const shardId = 'shardId-000000000000';
  // Neither the batch (1,000) nor the interval is reached: nothing written yet.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await checkpointer.getCheckpoint(streamName, shardId)).toBeUndefined();

  scheduler.flush();
  await waitFor(
    'the checkpoint written once the virtual interval passed',
    async () => (await checkpointer.getCheckpoint(streamName, shardId)) !== undefined,
    5_000,
  );
  expect(handled).toEqual([1, 2, 3]);
  await harness.closeApp(app);
});

it('checkpoint.scheduler must be an RxJS scheduler: InvalidOptionError naming it', () => {
  const consumer = { streamName: 'orders', checkpointer: new MemoryCheckpointer() };
  for (const scheduler of [5, {}, { schedule: () => undefined }]) {
    expect(() => new KinesisTransportStrategy({ consumer, checkpoint: { scheduler } as never })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', option: 'checkpoint.scheduler' }),
    );
  }
});
