// A processing start hook that calls done() twice for an event runs its handlers once: the second
// call returns the first call's Promise, and a warning says so once per transport.
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

afterEach(() => jest.restoreAllMocks());

it('a start hook calling done() twice runs the handlers once per event and warns once', async () => {
  const warn = jest.spyOn(Logger.prototype, 'warn');
  const streamName = await harness.createStream('nest-done-twice');
  const checkpointer = new MemoryCheckpointer();
  const calls: number[] = [];
  let ends = 0;
  const sameWork: boolean[] = [];
  @Controller()
  class WorkController {
    @EventPattern('work')
    async work(@Payload() data: { n: number }): Promise<void> {
      calls.push(data.n);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
  });
  strategy.setOnProcessingStartHook(async (_transportId, _context, done) => {
    const first = done();
    const second = done();
    sameWork.push(first === second);
    await Promise.all([first, second]);
    await done();
  });
  strategy.setOnProcessingEndHook(() => void (ends += 1));
  await harness.startApp(strategy, [WorkController]);
  const client = harness.client(streamName);
  const reports = await Promise.all(Array.from({ length: 3 }, (_, n) => emitted(client, 'work', { n }, 'k')));
  const last = reports[reports.length - 1]!;
  await waitFor(
    'the last event checkpointed',
    () => {
      const [shard] = checkpointer.snapshot();
      return (
        shard?.checkpoint.kind === 'position' &&
        shard.checkpoint.position.sequenceNumber === last.sequenceNumber
      );
    },
    WAIT_MS,
  );

  expect(calls).toEqual([0, 1, 2]);
  expect(ends).toBe(3);
  expect(sameWork).toEqual([true, true, true]);
  const doneAgain = warn.mock.calls.filter(([message]) => String(message).includes('done() more than once'));
  expect(doneAgain).toHaveLength(1);
});
