// The clients of several streams log side by side: the warnings of a KinesisClientProxy's close()
// say which stream's events were given up.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { KinesisClientProxy } from 'rxjs-kinesis/nestjs';
import { useNestHarness } from './fixtures/nestHarness.js';

jest.setTimeout(60_000);

const harness = useNestHarness();

afterEach(() => jest.restoreAllMocks());

it("close()'s warnings name the client's stream in their context", async () => {
  const streamName = await harness.createStream('nest-client-log');
  const lines: { context: string | undefined; message: string }[] = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
    lines.push({ context: (this as unknown as { context?: string }).context, message: String(message) });
  });
  const client = new KinesisClientProxy({
    ...harness.connection(streamName),
    closeTimeoutMs: 300,
    // A serializer that never gives its message: close() gives the event up at closeTimeoutMs.
    serializer: { serialize: () => new Promise<never>(() => undefined) },
  });
  const outcome = firstValueFrom(client.emit('order.created', { n: 1 })).catch((error: unknown) => error);
  await client.close();
  await outcome;
  expect(lines).toEqual([
    {
      context: `KinesisClientProxy ${streamName}`,
      message: expect.stringMatching(/^Closing: 1 event\(s\) whose serializer had not given/) as unknown,
    },
  ]);
});
