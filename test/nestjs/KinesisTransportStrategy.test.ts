// KinesisTransportStrategy and KinesisClientProxy used as Nest users use them, beyond the example
// application: records the deserializer cannot read, hooks that fail, close() during startup,
// options checked at construction, partition keys with a serializer of one's own.
import 'reflect-metadata';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Controller } from '@nestjs/common';
import { EventPattern, type Serializer } from '@nestjs/microservices';
import { ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { lastValueFrom } from 'rxjs';
import {
  AbortedError,
  InvalidExplicitHashKeyError,
  InvalidOptionError,
  MemoryCheckpointer,
  ProducerClosedError,
  type DeliveredReport,
} from 'rxjs-kinesis';
import {
  KinesisClientProxy,
  KinesisEmitRecord,
  KinesisTransportStrategy,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

// Real Nest applications on the embedded Kinesis; generous waits for a loaded machine.
jest.setTimeout(90_000);

const harness = useNestHarness();
const { consumerOptions } = harness;
/** A serializer that writes text: equal events are equal strings. */
const asText: Serializer = { serialize: (packet: unknown) => JSON.stringify(packet) };

async function putRaw(streamName: string, data: string): Promise<string> {
  const client = harness.kinesis.createClient();
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
    const streamName = await harness.createStream('nest-undecodable');
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
    const app = await harness.startApp(strategy);
    const sequenceNumber = await putRaw(streamName, 'not json {');
    await waitFor('the dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ reason: 'undecodable', record: { sequenceNumber } });

    let closed = false;
    const closing = harness.closeApp(app).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(deadLetterDone).toBe(true);
    const [shard] = checkpointer.snapshot();
    expect(shard?.checkpoint).toEqual({ kind: 'position', position: { sequenceNumber } });
  });

  it('a start hook that rejects before the handler, or an end hook that throws, dead-letters the event; no unhandled rejection', async () => {
    const streamName = await harness.createStream('nest-hooks');
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
    await harness.startApp(strategy, [HookedController]);
    const client = harness.client(streamName);
    try {
      for (const id of ['reject-before', 'reject-after', 'end-throws', 'fine']) {
        await emitted(client, 'hooked', { id }, 'one');
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
          region: harness.kinesis.region,
          credentials: harness.kinesis.credentials,
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

  it("refuses a handler's bad timeoutMs at listen(), naming the decorator it came from", async () => {
    const refusal = async (isEventHandler: boolean): Promise<unknown> => {
      const strategy = new KinesisTransportStrategy({ consumer: consumerOptions('never-read') });
      const handler = Object.assign(async () => undefined, { isEventHandler });
      strategy.addHandler('p', handler as never, isEventHandler, { timeoutMs: -1 });
      const error = await new Promise<unknown>((resolve) =>
        strategy.listen((thrown?: unknown) => resolve(thrown)),
      );
      await strategy.close();
      return error;
    };
    const fromEvent = await refusal(true);
    expect(fromEvent).toBeInstanceOf(InvalidOptionError);
    expect((fromEvent as InvalidOptionError).option).toBe("@EventPattern('p') timeoutMs");
    const fromMessage = await refusal(false);
    expect(fromMessage).toBeInstanceOf(InvalidOptionError);
    expect((fromMessage as InvalidOptionError).option).toBe("@MessagePattern('p') timeoutMs");
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
    for (const closeTimeoutMs of [0, -1, NaN, 2 ** 31, '20000'])
      refused({ ...valid, closeTimeoutMs }, 'closeTimeoutMs');
    for (const finalWritesTimeoutMs of [0, -1, NaN, 2 ** 31, '5000'])
      refused({ ...valid, finalWritesTimeoutMs }, 'finalWritesTimeoutMs');
    expect(
      () => new KinesisTransportStrategy({ ...valid, checkpoint: { batchSize: 10, intervalMs: 0 } }),
    ).not.toThrow();
    for (const closeTimeoutMs of [1, 20_000, Infinity])
      expect(() => new KinesisTransportStrategy({ ...valid, closeTimeoutMs })).not.toThrow();
    for (const finalWritesTimeoutMs of [1, 5_000, Infinity])
      expect(() => new KinesisTransportStrategy({ ...valid, finalWritesTimeoutMs })).not.toThrow();
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

  it('lists its own options among the known ones when a name is misspelt', () => {
    let thrown: unknown;
    try {
      new KinesisClientProxy({ streamName: 'orders', closeTimeoutMss: 5_000 } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ option: 'closeTimeoutMss' });
    // The list named every Producer option, not the client's own `serializer` and `closeTimeoutMs`.
    expect((thrown as Error).message).toMatch(
      /known options are streamName, .*, serializer, closeTimeoutMs$/,
    );
  });

  it("writes a KinesisEmitRecord's partition key whatever the serializer returns (a string too)", async () => {
    const streamName = await harness.createStream('nest-key');
    for (const serializer of [asText, undefined]) {
      const client = harness.client(streamName, {
        partitionKey: 'fallback',
        ...(serializer === undefined ? {} : { serializer }),
      });
      expect((await emitted(client, 'x', { a: 1 }, 'order-7')).partitionKey).toBe('order-7');
      expect((await emitted(client, 'x', { a: 2 })).partitionKey).toBe('fallback');
      await expect(emitted(client, 'x', { a: 3 }, '')).rejects.toMatchObject({
        name: 'InvalidPartitionKeyError',
      });
    }
  });

  it("writes a KinesisEmitRecord's explicitHashKey: the record lands on the shard whose range holds it", async () => {
    const streamName = await harness.createStream('nest-hash-key', 3);
    const kinesis = harness.kinesis.createClient();
    const { Shards = [] } = await kinesis
      .send(new ListShardsCommand({ StreamName: streamName }))
      .finally(() => kinesis.destroy());
    expect(Shards).toHaveLength(3);
    // Each shard's first and last hash key, the same partition key (and, as text, the same message) for all.
    const targets = Shards.flatMap(({ ShardId, HashKeyRange }) => [
      { shardId: ShardId, hashKey: HashKeyRange?.StartingHashKey },
      { shardId: ShardId, hashKey: HashKeyRange?.EndingHashKey },
    ]);
    for (const serializer of [asText, undefined]) {
      const client = harness.client(streamName, {
        ...(serializer === undefined ? {} : { serializer }),
        explicitHashKey: () => Shards[0]?.HashKeyRange?.EndingHashKey,
      });
      const reports = await Promise.all(
        targets.map(({ hashKey }) =>
          lastValueFrom(
            client.emit<DeliveredReport<KinesisMessage>>(
              'x',
              new KinesisEmitRecord({ same: true }, { partitionKey: 'same', explicitHashKey: hashKey }),
            ),
          ),
        ),
      );
      expect(reports.map((report) => report.shardId)).toEqual(targets.map((target) => target.shardId));
      // Without one of its own, the event has the client's.
      expect((await emitted(client, 'x', { same: true }, 'same')).shardId).toBe(Shards[0]?.ShardId);
      for (const explicitHashKey of ['01', '-1', (1n << 128n).toString(), 'abc'])
        await expect(
          lastValueFrom(client.emit('x', new KinesisEmitRecord({ n: 1 }, { explicitHashKey }))),
        ).rejects.toBeInstanceOf(InvalidExplicitHashKeyError);
    }
    const stored = await harness.storedRecords(streamName);
    for (const { shardId } of targets)
      expect(stored.filter((record) => record.shardId === shardId).length).toBe(
        4 + (shardId === Shards[0]?.ShardId ? 2 : 0),
      );
  });

  it('every event keeps its own partition key while the queue is full (equal messages too)', async () => {
    for (const serializer of [asText, undefined]) {
      const streamName = await harness.createStream('nest-full');
      // Room for one event: each of the others waits in the Producer until the one before it is
      // delivered. Every third event has no key of its own (the client's `partitionKey`), and
      // each event is the same message, so only the order of the emits tells them apart.
      const client = harness.client(streamName, {
        maxQueueSize: 1,
        partitionKey: 'fallback',
        ...(serializer === undefined ? {} : { serializer }),
      });
      const keys = Array.from({ length: 24 }, (_, n) => (n % 3 === 2 ? undefined : `key-${n}`));
      const reports = await Promise.all(keys.map((key) => emitted(client, 'same', { same: true }, key)));
      const expected = keys.map((key) => key ?? 'fallback');
      expect(reports.map((report) => report.partitionKey)).toEqual(expected);
      // One shard, and one event at a time: the stream holds them in emit order.
      const stored = await harness.storedRecords(streamName);
      expect(stored.map((record) => record.partitionKey)).toEqual(expected);
    }
  });

  it('an async serializer: the message it resolves is written, also when close() comes before it', async () => {
    const streamName = await harness.createStream('nest-async-serializer');
    const later: Serializer = {
      serialize: (packet: unknown) =>
        new Promise((resolve) =>
          setTimeout(() => resolve({ ...(packet as object), serialized: 'later' }), 100),
        ),
    };
    const client = harness.client(streamName, { serializer: later });
    const first = emitted(client, 'x', { n: 1 }, 'key-1');
    const second = emitted(client, 'x', { n: 2 });
    await client.close();
    expect(await first).toMatchObject({ status: 'delivered', partitionKey: 'key-1' });
    expect(await second).toMatchObject({ status: 'delivered' });
    const stored = await harness.storedRecords(streamName);
    expect(stored.map((record) => JSON.parse(record.data) as unknown)).toEqual([
      { pattern: 'x', data: { n: 1 }, serialized: 'later' },
      { pattern: 'x', data: { n: 2 }, serialized: 'later' },
    ]);
  });

  it('close() is final: an emit() before it is reported before it resolves; one during or after it fails with ProducerClosedError and writes nothing', async () => {
    const streamName = await harness.createStream('nest-close');
    const client = harness.client(streamName, { bufferTime: 200 });
    const reports: DeliveredReport<KinesisMessage>[] = [];
    client.emit<DeliveredReport<KinesisMessage>>('x', { n: 1 }).subscribe((report) => reports.push(report));
    const closing = client.close();
    expect(client.close()).toBe(closing);
    const during = emitted(client, 'x', { n: 2 });
    const connectDuring = client.connect();
    await closing;
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: 'delivered', item: { data: { n: 1 } } });
    const after = emitted(client, 'x', { n: 3 });
    for (const refused of [during, connectDuring, after]) {
      await expect(refused).rejects.toBeInstanceOf(ProducerClosedError);
      await expect(refused).rejects.toMatchObject({ retriable: false, context: { streamName } });
    }
    await expect(client.connect()).rejects.toBeInstanceOf(ProducerClosedError);
    expect(() => client.unwrap()).toThrow('the client is closed');
    // Nothing was written but the first event (a Producer opened by a late emit would have sent
    // its event within bufferTime).
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stored = await harness.storedRecords(streamName);
    expect(stored.map((record) => JSON.parse(record.data) as unknown)).toEqual([
      { pattern: 'x', data: { n: 1 } },
    ]);
  });
});
