// What each kind of handler outcome does to its event, and app.close() with a backlog: handlers
// slower than the stream on two shards, closed midway and started again on the same checkpoints.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import { MemoryCheckpointer, type DeliveredReport } from 'rxjs-kinesis';
import {
  KinesisClientProxy,
  KinesisEmitRecord,
  KinesisTransportStrategy,
  type KinesisContext,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis();
});

afterAll(async () => {
  await kinesis?.close();
});

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const connection = (streamName: string) => ({
  streamName,
  endpoint: kinesis.endpoint,
  region: kinesis.region,
  credentials: kinesis.credentials,
});

async function startApp(
  streamName: string,
  controllers: (new () => object)[],
  checkpointer: MemoryCheckpointer,
  deadLetters: KinesisDeadLetter[] = [],
) {
  @Module({ controllers })
  class TestModule {}
  const strategy = new KinesisTransportStrategy({
    consumer: { ...connection(streamName), checkpointer, sleepTimeNoRecords: 100 },
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
    strategy,
    logger: false,
  });
  await app.listen();
  return app;
}

describe('handler outcomes', () => {
  it('dead-letters a throw, a rejection, an erroring or never-ending Observable; an Observable of values and a @MessagePattern handler count as handled', async () => {
    const streamName = uniqueStreamName('nest-outcomes');
    await kinesis.createStream(streamName, 1);
    const handled: string[] = [];
    let neverUnsubscribed = false;
    @Controller()
    class OutcomesController {
      @EventPattern('throws')
      throws(): void {
        throw new Error('sync failure');
      }

      @EventPattern('rejects')
      async rejects(): Promise<void> {
        await Promise.resolve();
        throw new Error('async failure');
      }

      @EventPattern('errors')
      errors(): Observable<never> {
        return throwError(() => new Error('observable failure'));
      }

      @EventPattern('never', { timeoutMs: 300 })
      never(): Observable<never> {
        return new Observable<never>(() => () => (neverUnsubscribed = true));
      }

      @EventPattern('values')
      values(data: { id: string }): Observable<number> {
        handled.push(data.id);
        return of(1, 2, 3);
      }

      @MessagePattern('asks')
      asks(data: { id: string }): string {
        handled.push(data.id);
        return 'a reply nobody reads';
      }

      @EventPattern('fine')
      fine(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
        handled.push(`${data.id}@${context.getShardId()}`);
      }
    }
    const checkpointer = new MemoryCheckpointer();
    const deadLetters: KinesisDeadLetter[] = [];
    const app = await startApp(streamName, [OutcomesController], checkpointer, deadLetters);
    const client = new KinesisClientProxy({ ...connection(streamName), bufferTime: 10 });
    try {
      let last: DeliveredReport<KinesisMessage> | undefined;
      for (const pattern of ['throws', 'rejects', 'errors', 'never', 'values', 'asks', 'fine']) {
        last = await lastValueFrom(
          client.emit<DeliveredReport<KinesisMessage>>(
            pattern,
            new KinesisEmitRecord({ id: pattern }, { partitionKey: 'k' }),
          ),
        );
      }
      await waitFor('the last event', () => handled.some((entry) => entry.startsWith('fine@')));
      await waitFor('its checkpoint', () => {
        const [shard] = checkpointer.snapshot();
        return (
          shard?.checkpoint?.kind === 'position' &&
          shard.checkpoint.position.sequenceNumber === last?.sequenceNumber
        );
      });
      expect(handled).toEqual(['values', 'asks', `fine@${last?.shardId}`]);
      expect(
        deadLetters.map((deadLetter) => [
          deadLetter.reason,
          'pattern' in deadLetter ? deadLetter.pattern : '',
        ]),
      ).toEqual([
        ['handler-failed', 'throws'],
        ['handler-failed', 'rejects'],
        ['handler-failed', 'errors'],
        ['handler-timeout', 'never'],
      ]);
      expect(neverUnsubscribed).toBe(true);
    } finally {
      await client.close();
      await app.close();
    }
  });

  it('app.close() with a backlog on two shards: nothing accepted is lost, no checkpoint is ahead of a handled event', async () => {
    const streamName = uniqueStreamName('nest-backlog');
    await kinesis.createStream(streamName, 2);
    const checkpointer = new MemoryCheckpointer();
    const runs: { shardId: string; sequenceNumber: string; n: number }[][] = [[], []];
    let run = 0;
    @Controller()
    class SlowController {
      @EventPattern('slow')
      async slow(@Payload() data: { n: number }, @Ctx() context: KinesisContext): Promise<void> {
        const mine = runs[run];
        await new Promise((resolve) => setTimeout(resolve, 40));
        mine?.push({ shardId: context.getShardId(), sequenceNumber: context.getSequenceNumber(), n: data.n });
      }
    }
    const total = 60;
    const client = new KinesisClientProxy({ ...connection(streamName), bufferTime: 10 });
    const reports = await Promise.all(
      Array.from({ length: total }, (_, n) =>
        lastValueFrom(
          client.emit<DeliveredReport<KinesisMessage>>(
            'slow',
            new KinesisEmitRecord({ n }, { partitionKey: `k-${n % 8}` }),
          ),
        ),
      ),
    );
    await client.close();
    expect(new Set(reports.map((report) => report.shardId)).size).toBe(2);

    const first = await startApp(streamName, [SlowController], checkpointer);
    await waitFor('a third of the events', () => (runs[0]?.length ?? 0) >= total / 3);
    await first.close();
    const handledFirst = [...(runs[0] ?? [])];
    expect(handledFirst.length).toBeLessThan(total);

    // Every stored position is that of an event the first run handled, and each event at or
    // before it was handled: never ahead.
    for (const { shardId, checkpoint } of checkpointer.snapshot()) {
      if (checkpoint?.kind !== 'position') continue;
      const at = checkpoint.position.sequenceNumber;
      const shardReports = reports.filter((report) => report.shardId === shardId);
      for (const report of shardReports) {
        if (compareSequenceNumbers(report.sequenceNumber, at) <= 0)
          expect(handledFirst.some((event) => event.sequenceNumber === report.sequenceNumber)).toBe(true);
      }
    }

    run = 1;
    const second = await startApp(streamName, [SlowController], checkpointer);
    try {
      const handledBoth = () => new Set([...handledFirst, ...(runs[1] ?? [])].map((event) => event.n));
      await waitFor('every event', () => handledBoth().size === total);
      // In order per partition key within each run.
      for (const events of runs) {
        for (let key = 0; key < 8; key += 1) {
          const ns = events.filter((event) => event.n % 8 === key).map((event) => event.n);
          expect(ns).toEqual([...ns].sort((a, b) => a - b));
        }
      }
    } finally {
      await second.close();
    }
  });
});
