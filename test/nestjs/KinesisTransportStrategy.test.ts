// KinesisTransportStrategy and KinesisClientProxy used as Nest users use them, beyond the example
// application: records the deserializer cannot read, hooks that fail, close() during startup,
// options checked at construction, partition keys with a serializer of one's own.
import 'reflect-metadata';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, type MicroserviceOptions, type Serializer } from '@nestjs/microservices';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { lastValueFrom } from 'rxjs';
import {
  AbortedError,
  InvalidOptionError,
  MemoryCheckpointer,
  type DeliveredReport,
  type KinesisConsumerObservable,
} from 'rxjs-kinesis';
import {
  KinesisClientProxy,
  KinesisEmitRecord,
  KinesisTransportStrategy,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

// Real Nest applications on the embedded Kinesis; generous waits for a loaded machine.
jest.setTimeout(90_000);
const WAIT_MS = 30_000;

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis();
});

afterAll(async () => {
  await kinesis?.close();
});

async function waitFor(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await done())) {
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

function consumerOptions(streamName: string, checkpointer = new MemoryCheckpointer()) {
  return { ...connection(streamName), checkpointer, sleepTimeNoRecords: 100 };
}

async function startApp(strategy: KinesisTransportStrategy, controllers: (new () => object)[] = []) {
  @Module({ controllers })
  class TestModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
    strategy,
    logger: false,
  });
  await app.listen();
  return app;
}

async function putRaw(streamName: string, data: string): Promise<string> {
  const client = kinesis.createClient();
  try {
    const answer = await client.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: 'raw', Data: Buffer.from(data) }),
    );
    return answer.SequenceNumber as string;
  } finally {
    client.destroy();
  }
}

describe('KinesisTransportStrategy', () => {
  it('app.close() waits for the dead-letter callback of an undecodable record, then checkpoints it', async () => {
    const streamName = uniqueStreamName('nest-undecodable');
    await kinesis.createStream(streamName, 1);
    const checkpointer = new MemoryCheckpointer();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const deadLetters: KinesisDeadLetter[] = [];
    let deadLetterDone = false;
    const strategy = new KinesisTransportStrategy({
      consumer: consumerOptions(streamName, checkpointer),
      onDeadLetter: async (deadLetter) => {
        deadLetters.push(deadLetter);
        await released;
        deadLetterDone = true;
      },
    });
    const app = await startApp(strategy);
    const sequenceNumber = await putRaw(streamName, 'not json {');
    await waitFor('the dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ reason: 'undecodable', record: { sequenceNumber } });

    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(deadLetterDone).toBe(true);
    const [shard] = checkpointer.snapshot();
    expect(shard?.checkpoint).toEqual({ kind: 'position', position: { sequenceNumber } });
  });

  it('a start hook that rejects before the handler, or an end hook that throws, dead-letters the event; no unhandled rejection', async () => {
    const streamName = uniqueStreamName('nest-hooks');
    await kinesis.createStream(streamName, 1);
    const handled: string[] = [];
    @Controller()
    class HookedController {
      @EventPattern('hooked')
      onHooked(data: { id: string }): void {
        handled.push(data.id);
      }
    }
    const deadLetters: KinesisDeadLetter[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const strategy = new KinesisTransportStrategy({
      consumer: consumerOptions(streamName),
      onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
    });
    strategy.setOnProcessingStartHook(async (_transportId, context, done) => {
      const id = (context as { getItem(): { data: { data: { id: string } } } }).getItem().data.data.id;
      if (id === 'reject-before') throw new Error('start hook failed');
      await done();
      if (id === 'reject-after') throw new Error('start hook failed after the handler');
    });
    strategy.setOnProcessingEndHook((_transportId, context) => {
      const id = (context as { getItem(): { data: { data: { id: string } } } }).getItem().data.data.id;
      if (id === 'end-throws') throw new Error('end hook failed');
    });
    const app = await startApp(strategy, [HookedController]);
    const client = new KinesisClientProxy({ ...connection(streamName), bufferTime: 10 });
    try {
      for (const id of ['reject-before', 'reject-after', 'end-throws', 'fine']) {
        await lastValueFrom(client.emit('hooked', new KinesisEmitRecord({ id }, { partitionKey: 'one' })));
      }
      await waitFor('the last event', () => handled.includes('fine'));
      await waitFor('the dead letters', () => deadLetters.length === 2);
      expect(handled).toEqual(['reject-after', 'end-throws', 'fine']);
      expect(
        deadLetters.map((deadLetter) => [deadLetter.reason, (deadLetter.error as Error).message]),
      ).toEqual([
        ['handler-failed', 'start hook failed'],
        ['handler-failed', 'end hook failed'],
      ]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await client.close();
      await app.close();
    }
  });

  it('app.close() during startup ends the pending app.listen() with AbortedError', async () => {
    // An endpoint that accepts connections and never answers: ListShards waits.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const strategy = new KinesisTransportStrategy({
        consumer: {
          streamName: 'silent',
          endpoint: `http://127.0.0.1:${port}`,
          region: kinesis.region,
          credentials: kinesis.credentials,
          requestTimeout: 60_000,
        },
      });
      const listening = new Promise<unknown>((resolve) =>
        strategy.listen((error?: unknown) => resolve(error)),
      );
      await waitFor('the request', () => sockets.size > 0);
      await strategy.close();
      const error = await listening;
      expect(error).toBeInstanceOf(AbortedError);
      expect(error).toMatchObject({ retriable: false });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('checks its options when constructed: typed errors that carry no secret', () => {
    const valid = { consumer: { streamName: 'orders' } };
    const refused = (options: unknown, option: string): InvalidOptionError => {
      let thrown: unknown;
      try {
        new KinesisTransportStrategy(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option, retriable: false });
      expect(String((thrown as Error).message)).not.toContain('SUPERSECRET');
      return thrown as InvalidOptionError;
    };
    refused(undefined, 'options');
    refused({}, 'consumer');
    refused({ consumer: { streamName: '' } }, 'streamName');
    refused({ consumer: { streamName: 'orders', sleepTimeNoRecords: -1 } }, 'sleepTimeNoRecords');
    refused({ ...valid, handlerTimeout: 1000 }, 'handlerTimeout');
    refused({ ...valid, secretAccessKey: 'SUPERSECRET' }, 'secretAccessKey');
    refused({ ...valid, checkpoint: { batchSize: 0 } }, 'batchSize');
    refused({ ...valid, checkpoint: { mode: 'concurrent' } }, 'checkpoint.mode');
    refused({ ...valid, onDeadLetter: 'log' }, 'onDeadLetter');
    refused({ ...valid, deserializer: {} }, 'deserializer');
    refused({ ...valid, scheduler: 5 }, 'scheduler');
    refused({ ...valid, handlerTimeoutMs: 0 }, 'handlerTimeoutMs');
    expect(
      () => new KinesisTransportStrategy({ ...valid, checkpoint: { batchSize: 10, intervalMs: 0 } }),
    ).not.toThrow();
  });
});

describe('KinesisClientProxy', () => {
  it('checks its options when constructed: typed errors that carry no secret', () => {
    const refused = (options: unknown, option: string): void => {
      let thrown: unknown;
      try {
        new KinesisClientProxy(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option, retriable: false });
      expect(String((thrown as Error).message)).not.toContain('SUPERSECRET');
    };
    refused(undefined, 'options');
    refused({ streamName: '' }, 'streamName');
    refused({ streamName: 'orders', bufferTime: -5 }, 'bufferTime');
    refused({ streamName: 'orders', partitionKey: 7 }, 'partitionKey');
    refused({ streamName: 'orders', serializer: { write: () => 'x' } }, 'serializer');
    expect(() => new KinesisClientProxy({ streamName: 'orders', partitionKey: 'tenant-1' })).not.toThrow();
  });

  it("writes a KinesisEmitRecord's partition key whatever the serializer returns (a string too)", async () => {
    const streamName = uniqueStreamName('nest-key');
    await kinesis.createStream(streamName, 1);
    const asText: Serializer = { serialize: (packet: unknown) => JSON.stringify(packet) };
    for (const serializer of [asText, undefined]) {
      const client = new KinesisClientProxy({
        ...connection(streamName),
        bufferTime: 10,
        partitionKey: 'fallback',
        ...(serializer === undefined ? {} : { serializer }),
      });
      try {
        const emit = (data: unknown) =>
          lastValueFrom(client.emit<DeliveredReport<KinesisMessage>>('x', data));
        expect((await emit(new KinesisEmitRecord({ a: 1 }, { partitionKey: 'order-7' }))).partitionKey).toBe(
          'order-7',
        );
        expect((await emit({ a: 2 })).partitionKey).toBe('fallback');
        await expect(emit(new KinesisEmitRecord({ a: 3 }, { partitionKey: '' }))).rejects.toMatchObject({
          name: 'InvalidPartitionKeyError',
        });
      } finally {
        await client.close();
      }
    }
  });
});

// Keeps the type import used when only some tests run.
export type { KinesisConsumerObservable };
