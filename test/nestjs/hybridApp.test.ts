// A hybrid app: the transport joined to an HTTP app with connectMicroservice() (inheriting its
// global guard) and started with startAllMicroservices(). Events are handled (a refused one
// dead-lettered), and app.close() lets the handler under way finish - its emit through a
// ClientsModule client still delivered - then writes its checkpoint and releases the lease.
import 'reflect-metadata';
import {
  Controller,
  Inject,
  Module,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, EventPattern, Payload, type ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { MemoryCheckpointer, type DeliveredReport } from 'rxjs-kinesis';
import {
  KinesisClientProxy,
  KinesisTransportStrategy,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { emitted, Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';
import { StubHttpAdapter } from './fixtures/StubHttpAdapter.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

class RefuseGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getData<{ id: string }>().id !== 'refused';
  }
}

it('hybrid app: startAllMicroservices() reads, app.close() finishes the handler under way (its emit delivered), checkpoints and releases', async () => {
  const [streamName, outName] = await Promise.all([
    harness.createStream('nest-hybrid'),
    harness.createStream('nest-hybrid-out'),
  ]);
  const checkpointer = new MemoryCheckpointer();
  const handled: string[] = [];
  const gate = new Gate();
  let forwarded: DeliveredReport<KinesisMessage> | undefined;

  @Controller()
  class HybridController {
    constructor(@Inject('OUT') private readonly out: ClientProxy) {}

    @EventPattern('order')
    async onOrder(@Payload() data: { id: string }): Promise<void> {
      if (data.id === 'slow') {
        gate.entered = true;
        await gate.opened;
        forwarded = await lastValueFrom(this.out.emit<DeliveredReport<KinesisMessage>>('forwarded', data));
      }
      handled.push(data.id);
    }
  }

  @Module({
    imports: [
      ClientsModule.register([
        {
          name: 'OUT',
          customClass: KinesisClientProxy,
          options: { ...harness.connection(outName), bufferTime: 10 },
        },
      ]),
    ],
    controllers: [HybridController],
  })
  class HybridModule {}

  const client = harness.client(streamName);
  const reports = [];
  for (const id of ['refused', 'h1', 'slow']) reports.push(await emitted(client, 'order', { id }, 'one'));
  const deadLetters: KinesisDeadLetter[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
  const statuses: string[] = [];
  strategy.status.subscribe((status) => statuses.push(status));

  const app: INestApplication = await NestFactory.create(HybridModule, new StubHttpAdapter(), {
    logger: false,
  });
  let closing: Promise<void> | undefined;
  try {
    app.useGlobalGuards(new RefuseGuard());
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
    await waitFor('the slow handler', () => gate.entered, WAIT_MS);
    expect(handled).toEqual(['h1']);
    expect(deadLetters.map((deadLetter) => deadLetter.reason)).toEqual(['handler-failed']);
    expect(deadLetters[0]?.error).toEqual({ status: 'error', message: 'Forbidden resource' });

    let closed = false;
    closing = app.close().then(() => void (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    gate.open();
    await closing;
    expect(handled).toEqual(['h1', 'slow']);
    expect(forwarded?.shardId).toEqual(expect.any(String));
    expect((await harness.storedRecords(outName)).map((record) => JSON.parse(record.data))).toEqual([
      { pattern: 'forwarded', data: { id: 'slow' } },
    ]);
    expect(await checkpointer.getCheckpoint(streamName, reports[2]?.shardId ?? '')).toEqual({
      kind: 'position',
      position: { sequenceNumber: reports[2]?.sequenceNumber },
    });
    expect((await checkpointer.listLeases(streamName)).filter((lease) => lease.owner !== undefined)).toEqual(
      [],
    );
    expect(statuses.at(-1)).toBe('disconnected');
    expect(deadLetters).toHaveLength(1);
  } finally {
    gate.open();
    if (closing === undefined) await app.close();
  }
});
