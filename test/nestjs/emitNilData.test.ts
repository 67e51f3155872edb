// Nest's ClientProxy refuses an event whose data is null or undefined (InvalidMessageException):
// KinesisClientProxy does so too when that data comes wrapped in a KinesisEmitRecord, and writes
// nothing for it.
import 'reflect-metadata';
import { InvalidMessageException } from '@nestjs/microservices/errors/invalid-message.exception.js';
import { lastValueFrom } from 'rxjs';
import { KinesisEmitRecord, NestUsageError } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness } from './fixtures/nestHarness.js';

jest.setTimeout(60_000);

const harness = useNestHarness();

it('an event with null or undefined data fails with InvalidMessageException, also in a KinesisEmitRecord; nothing written', async () => {
  const streamName = await harness.createStream('nest-nil-data');
  const client = harness.client(streamName);
  const refused = [
    null,
    undefined,
    new KinesisEmitRecord(null, { partitionKey: 'k' }),
    new KinesisEmitRecord(undefined, { partitionKey: 'k', explicitHashKey: '0' }),
  ];
  for (const data of refused) {
    await expect(lastValueFrom(client.emit('order.created', data))).rejects.toBeInstanceOf(
      InvalidMessageException,
    );
  }
  // Refused before the Producer was started.
  expect(() => client.unwrap()).toThrow(NestUsageError);
  await emitted(client, 'order.created', { id: 1 }, 'k');
  const stored = await harness.storedRecords(streamName);
  expect(stored.map((record) => JSON.parse(record.data) as unknown)).toEqual([
    { pattern: 'order.created', data: { id: 1 } },
  ]);
});

it('send() refuses null or undefined data as emit() does, also in a KinesisEmitRecord; other data with NestUsageError', async () => {
  const streamName = await harness.createStream('nest-nil-send');
  const client = harness.client(streamName);
  const refused = [
    null,
    undefined,
    new KinesisEmitRecord(null, { partitionKey: 'k' }),
    new KinesisEmitRecord(undefined),
  ];
  for (const data of refused) {
    await expect(lastValueFrom(client.send('order.created', data))).rejects.toBeInstanceOf(
      InvalidMessageException,
    );
  }
  await expect(lastValueFrom(client.send('order.created', new KinesisEmitRecord({ id: 1 })))).rejects.toThrow(
    NestUsageError,
  );
  // Refused before the Producer was started.
  expect(() => client.unwrap()).toThrow(NestUsageError);
});
