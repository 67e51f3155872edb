// Several Kinesis transports in one process (one stream each) log side by side: each line of a
// transport says which stream it is about, as shard ids (shardId-000000000000) repeat in every
// stream.
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(60_000);

const harness = useNestHarness();

afterEach(() => jest.restoreAllMocks());

it('the log lines of each transport name its stream in their context', async () => {
  const [orders, audit] = await Promise.all([
    harness.createStream('nest-log-orders'),
    harness.createStream('nest-log-audit'),
  ]);
  const lines: { context: string | undefined; message: string }[] = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
    lines.push({ context: (this as unknown as { context?: string }).context, message: String(message) });
  });
  @Controller()
  class EventsController {
    @EventPattern('known')
    onKnown(): void {}
  }
  for (const streamName of [orders, audit]) {
    const strategy = new KinesisTransportStrategy({ consumer: harness.consumerOptions(streamName) });
    strategy.setTransportId(Symbol(streamName));
    await harness.startApp(strategy, [EventsController]);
  }
  // An event no handler takes, on the first shard of each stream.
  await emitted(harness.client(orders), 'unknown', { id: 1 });
  await emitted(harness.client(audit), 'unknown', { id: 2 });
  const skipped = () => lines.filter((line) => line.message.startsWith('No event handler'));
  await waitFor('both events skipped', () => skipped().length === 2);
  expect(
    skipped()
      .map((line) => line.context)
      .sort(),
  ).toEqual([`KinesisTransportStrategy ${audit}`, `KinesisTransportStrategy ${orders}`].sort());
});
