// Several Kinesis transports in one process (one stream each) log side by side: each line of a
// transport says which stream it is about, as shard ids (shardId-000000000000) repeat in every
// stream, and a stream given by ARN names its account and region (one name in two accounts is two
// streams).
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { KinesisClientProxy, KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
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

it('transports and clients of same-named streams in two accounts (given by ARN) have contexts of their own', async () => {
  const streamName = await harness.createStream('nest-log-accounts');
  const region = harness.kinesis.region;
  // The local Kinesis finds a stream by its name whatever account an ARN names: both transports
  // read the one stream, each under its own ARN.
  const arns = ['111122223333', '444455556666'].map(
    (account) => `arn:aws:kinesis:${region}:${account}:stream/${streamName}`,
  );
  const lines: { context: string | undefined; message: string }[] = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
    lines.push({ context: (this as unknown as { context?: string }).context, message: String(message) });
  });
  @Controller()
  class EventsController {
    @EventPattern('known')
    onKnown(): void {}
  }
  for (const arn of arns) {
    const strategy = new KinesisTransportStrategy({ consumer: harness.consumerOptions(arn) });
    strategy.setTransportId(Symbol(arn));
    await harness.startApp(strategy, [EventsController]);
  }
  await emitted(harness.client(streamName), 'unknown', { id: 1 });
  const skipped = () => lines.filter((line) => line.message.startsWith('No event handler'));
  await waitFor('the event skipped by both transports', () => skipped().length === 2);
  expect(
    skipped()
      .map((line) => line.context)
      .sort(),
  ).toEqual([
    `KinesisTransportStrategy ${streamName} (account 111122223333, ${region})`,
    `KinesisTransportStrategy ${streamName} (account 444455556666, ${region})`,
  ]);

  // A client's close() warnings, likewise.
  lines.length = 0;
  for (const arn of arns) {
    const client = new KinesisClientProxy({
      ...harness.connection(arn),
      closeTimeoutMs: 100,
      serializer: { serialize: () => new Promise<never>(() => undefined) },
    });
    const outcome = firstValueFrom(client.emit('order.created', { n: 1 })).catch((error: unknown) => error);
    await client.close();
    await outcome;
  }
  expect(lines.map((line) => line.context)).toEqual([
    `KinesisClientProxy ${streamName} (account 111122223333, ${region})`,
    `KinesisClientProxy ${streamName} (account 444455556666, ${region})`,
  ]);
});
