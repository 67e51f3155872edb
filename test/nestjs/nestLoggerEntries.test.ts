// The NestJS Logger given as the consumer's and the client's `logger` (as the README shows): Nest
// prints every argument of a call as an entry of its own, so each line of the library must come
// out as one entry, not followed by a second one holding its details.
import 'reflect-metadata';
import { ConsoleLogger, Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(60_000);

const harness = useNestHarness();

interface Entry {
  readonly context?: string;
  readonly message: unknown;
}

it("each line through Nest's Logger is one entry, its details inline", async () => {
  const streamName = await harness.createStream('nest-logger');
  const entries: Entry[] = [];
  // Nest's ConsoleLogger in JSON mode writes one JSON entry per line to stdout or stderr.
  const capture = (stream: NodeJS.WriteStream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('{') && line.includes('"context":"Kinesis'))
          entries.push(JSON.parse(line) as Entry);
      }
      return true;
    });
  const spies = [capture(process.stdout), capture(process.stderr)];
  try {
    const logger = new ConsoleLogger('Kinesis', { json: true, logLevels: ['log', 'warn', 'error', 'debug'] });
    let handled = 0;
    @Controller()
    class OrdersController {
      @EventPattern('order.created')
      onOrder(): void {
        handled++;
      }
    }
    const strategy = new KinesisTransportStrategy({
      consumer: { ...harness.consumerOptions(streamName), logger },
    });
    const app = await harness.startApp(strategy, [OrdersController]);
    const client = harness.client(streamName, {
      logger: new ConsoleLogger('Kinesis client', { json: true }),
    });
    await emitted(client, 'order.created', { id: 1 });
    await waitFor('the event handled', () => handled === 1);
    await harness.closeApp(app);
    await client.close();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  // Lifecycle lines were logged (consumer started, lease acquired, shard started...).
  expect(entries.length).toBeGreaterThan(3);
  const messages = entries.map((entry) => entry.message);
  expect(messages).toContain('rxjs-kinesis: lease acquired shardId=shardId-000000000000');
  expect(messages).toContainEqual(expect.stringMatching(/^rxjs-kinesis: producer closed /));
  // Every entry is a line of the library, none a details object of its own.
  for (const entry of entries) expect(entry.message).toEqual(expect.stringMatching(/^rxjs-kinesis: /));
});
