// The library's PutRecords wire against the embedded local Kinesis and its limits/fault layer,
// next to the SDK's own serde on a client that keeps it.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import type { PutRecordsEntry } from '../../src/kinesis/putRecordsBody.js';
import { createSubscriptionClient } from '../../src/kinesis/createSubscriptionClient.js';
import {
  allowPutRecordsWire,
  putRecordsWireUsable,
  sendPutRecords,
} from '../../src/kinesis/putRecordsWire.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisOptions } from '../../src/local/LocalKinesisOptions.js';

jest.setTimeout(120_000);

interface Stored {
  readonly sequenceNumber: string;
  readonly shardId: string;
  readonly partitionKey: string;
  readonly data: Buffer;
}

/** Every record of a small stream, read with a plain GetRecords per shard (no library code). */
async function readAll(client: KinesisClient, streamName: string): Promise<Stored[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const stored: Stored[] = [];
  for (const shard of Shards) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    for (const record of Records) {
      stored.push({
        sequenceNumber: record.SequenceNumber!,
        shardId: shard.ShardId!,
        partitionKey: record.PartitionKey!,
        data: Buffer.from(record.Data!),
      });
    }
  }
  return stored;
}

async function withLocal(
  options: LocalKinesisOptions,
  run: (local: LocalKinesis) => Promise<void>,
): Promise<void> {
  const local = await startLocalKinesis(options);
  try {
    await run(local);
  } finally {
    await local.close();
  }
}

const clientOptions = (local: LocalKinesis) => ({
  endpoint: local.endpoint,
  region: local.region,
  credentials: { ...local.credentials },
});

/** The outcome of a call, as PutRecordsSender sees it. */
function outcome(call: Promise<PutRecordsCommandOutput>) {
  return call.then(
    (output) => ({ records: output.Records, failed: output.FailedRecordCount }),
    (error: unknown) => {
      const classified = classifyError(error, { streamName: 'test' });
      return {
        error: classified.constructor.name,
        code: (classified as { code?: string }).code,
        retriable: classified.retriable,
      };
    },
  );
}

const entries = (count: number, prefix = 'k'): PutRecordsEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    data: Uint8Array.from({ length: 1 + (i % 300) }, (_, j) => (i * 31 + j) & 0xff),
    partitionKey: `${prefix}-${i}`,
  }));

describe('PutRecords through the library wire (embedded Kinesis)', () => {
  it('delivers every entry and reads the shard and sequence number of each from the answer', async () => {
    await withLocal({ streams: { wire: 2 } }, async (local) => {
      const client = createKinesisClient(clientOptions(local));
      expect(putRecordsWireUsable(client)).toBe(true);
      const sent: PutRecordsEntry[] = [
        ...entries(40),
        { data: Uint8Array.from({ length: 256 }, (_, i) => i), partitionKey: 'every byte' },
        { data: new TextEncoder().encode('unicode'), partitionKey: 'clé "😀" \\ \n' },
        { data: new Uint8Array(0), partitionKey: 'empty data' },
        { data: new Uint8Array([1]), partitionKey: 'low', explicitHashKey: '0' },
        {
          data: new Uint8Array([2]),
          partitionKey: 'high',
          explicitHashKey: '340282366920938463463374607431768211455',
        },
      ];
      const output = await sendPutRecords(client, { StreamName: 'wire' }, sent);
      expect(output.FailedRecordCount).toBe(0);
      expect(output.Records).toHaveLength(sent.length);
      const stored = await readAll(client, 'wire');
      const bySequence = new Map(stored.map((record) => [record.sequenceNumber, record]));
      expect(stored).toHaveLength(sent.length);
      output.Records!.forEach((answer, i) => {
        const record = bySequence.get(answer.SequenceNumber!);
        expect(record).toEqual({
          sequenceNumber: answer.SequenceNumber,
          shardId: answer.ShardId,
          partitionKey: sent[i]!.partitionKey,
          data: Buffer.from(sent[i]!.data),
        });
      });
      const shardOf = (i: number) => output.Records![i]!.ShardId;
      expect(shardOf(sent.length - 2)).toBe('shardId-000000000000');
      expect(shardOf(sent.length - 1)).toBe('shardId-000000000001');
      client.destroy();
    });
  });

  it('reads the answer the same way over HTTP/2 (the SDK handler used for AWS endpoints)', async () => {
    await withLocal({ streams: { wire: 2 } }, async (local) => {
      // A client on the SDK's HTTP/2 handler (cleartext HTTP/2 to the embedded Kinesis), taking
      // the library wire as a client createKinesisClient built for an AWS endpoint does.
      const client = createSubscriptionClient(clientOptions(local));
      allowPutRecordsWire(client);
      expect(putRecordsWireUsable(client)).toBe(true);
      const sent = entries(120);
      const output = await sendPutRecords(client, { StreamName: 'wire' }, sent);
      expect(output.FailedRecordCount).toBe(0);
      expect(output.Records).toHaveLength(sent.length);
      const reader = createKinesisClient(clientOptions(local));
      const stored = await readAll(reader, 'wire');
      const bySequence = new Map(stored.map((record) => [record.sequenceNumber, record]));
      output.Records!.forEach((answer, i) => {
        expect(bySequence.get(answer.SequenceNumber!)).toEqual({
          sequenceNumber: answer.SequenceNumber,
          shardId: answer.ShardId,
          partitionKey: sent[i]!.partitionKey,
          data: Buffer.from(sent[i]!.data),
        });
      });
      // A whole-request error over HTTP/2 is still the SDK's to read.
      const missing = await outcome(sendPutRecords(client, { StreamName: 'no-such-stream' }, entries(2)));
      expect(missing).toMatchObject({ error: 'StreamNotFoundError', retriable: false });
      reader.destroy();
      client.destroy();
    });
  });

  it('sends a stream named by its ARN (StreamName and StreamARN)', async () => {
    await withLocal({ streams: { wire: 1 } }, async (local) => {
      const client = createKinesisClient(clientOptions(local));
      const arn = `arn:aws:kinesis:${local.region}:000000000000:stream/wire`;
      const output = await sendPutRecords(client, { StreamName: 'wire', StreamARN: arn }, entries(3));
      expect(output.Records?.map((record) => record.ShardId)).toEqual(Array(3).fill('shardId-000000000000'));
      client.destroy();
    });
  });

  it('reads entries throttled by the shard write limit, as the SDK does', async () => {
    // A frozen clock: the shard takes 1,000 records in its window, then refuses every entry.
    await withLocal({ streams: { limited: 1 }, limits: true, clock: () => 1_000_000 }, async (local) => {
      const wire = createKinesisClient(clientOptions(local));
      const first = await sendPutRecords(wire, { StreamName: 'limited' }, entries(500, 'a'));
      const second = await sendPutRecords(wire, { StreamName: 'limited' }, entries(500, 'b'));
      expect([first.FailedRecordCount, second.FailedRecordCount]).toEqual([0, 0]);
      const throttled = await sendPutRecords(wire, { StreamName: 'limited' }, entries(10, 'c'));
      expect(throttled.FailedRecordCount).toBe(10);
      for (const record of throttled.Records!) {
        expect(record.ErrorCode).toBe('ProvisionedThroughputExceededException');
        expect(record.ErrorMessage).toEqual(expect.any(String));
        expect(record.SequenceNumber).toBeUndefined();
        expect(classifyError({ name: record.ErrorCode, message: record.ErrorMessage }).retriable).toBe(true);
      }
      const plain = createKinesisClient(clientOptions(local));
      plain.middlewareStack.add((next) => (args) => next(args), {
        step: 'initialize',
        name: 'testPassThrough',
      });
      expect(putRecordsWireUsable(plain)).toBe(false);
      const plainThrottled = await sendPutRecords(plain, { StreamName: 'limited' }, entries(10, 'c'));
      expect(throttled.Records).toEqual(plainThrottled.Records);
      wire.destroy();
      plain.destroy();
    });
  });

  it('fails a whole request (stream not found, invalid request) as the SDK does', async () => {
    await withLocal({ streams: { wire: 1 } }, async (local) => {
      const wire = createKinesisClient(clientOptions(local));
      const plain = createKinesisClient(clientOptions(local));
      plain.middlewareStack.add((next) => (args) => next(args), {
        step: 'initialize',
        name: 'testPassThrough',
      });
      const missing = await outcome(sendPutRecords(wire, { StreamName: 'missing' }, entries(2)));
      expect(missing).toEqual(await outcome(sendPutRecords(plain, { StreamName: 'missing' }, entries(2))));
      expect(missing).toMatchObject({ error: 'StreamNotFoundError' });
      // 501 entries: more than PutRecords takes, refused as a whole.
      const tooMany = await outcome(sendPutRecords(wire, { StreamName: 'wire' }, entries(501)));
      expect(tooMany).toEqual(await outcome(sendPutRecords(plain, { StreamName: 'wire' }, entries(501))));
      expect(tooMany).toMatchObject({ error: 'KinesisValidationError', retriable: false });
      wire.destroy();
      plain.destroy();
    });
  });

  it.each([
    ['HTTP 500', { serverErrorRate: 1 }, 'KinesisServiceError'],
    ['a dropped connection', { connectionResetRate: 1 }, 'ConnectionError'],
  ])('fails a request answered with %s as the SDK does', async (_, faults, expected) => {
    await withLocal({ streams: { faulty: 1 }, faults }, async (local) => {
      const wire = createKinesisClient(clientOptions(local));
      const plain = createKinesisClient(clientOptions(local));
      plain.middlewareStack.add((next) => (args) => next(args), {
        step: 'initialize',
        name: 'testPassThrough',
      });
      const failed = await outcome(sendPutRecords(wire, { StreamName: 'faulty' }, entries(3)));
      expect(failed).toEqual(await outcome(sendPutRecords(plain, { StreamName: 'faulty' }, entries(3))));
      expect(failed).toMatchObject({ error: expected, retriable: true });
      wire.destroy();
      plain.destroy();
    });
  });

  it('sends the same body again when the SDK retries a request, and reads the answer of the attempt that got one', async () => {
    await withLocal({ streams: { faulty: 2 }, faults: { serverErrorRate: 0.5, seed: 3 } }, async (local) => {
      const client = createKinesisClient({ ...clientOptions(local), maxAttempts: 20 });
      expect(putRecordsWireUsable(client)).toBe(true);
      const sent: PutRecordsEntry[][] = [];
      const answers: PutRecordsCommandOutput[] = [];
      for (let call = 0; call < 8; call += 1) {
        const batch = entries(50, `call${call}`);
        sent.push(batch);
        answers.push(await sendPutRecords(client, { StreamName: 'faulty' }, batch));
      }
      // Some calls met HTTP 500 first (nothing stored) and were sent again by the SDK.
      expect(local.stats.injectedServerErrors).toBeGreaterThan(0);
      expect(answers.map((answer) => answer.$metadata.attempts ?? 1).some((attempts) => attempts > 1)).toBe(
        true,
      );
      const stored = await readAll(client, 'faulty');
      expect(stored).toHaveLength(8 * 50);
      const bySequence = new Map(stored.map((record) => [record.sequenceNumber, record]));
      answers.forEach((answer, call) => {
        expect(answer.FailedRecordCount).toBe(0);
        answer.Records!.forEach((result, i) => {
          const record = bySequence.get(result.SequenceNumber!)!;
          expect(record.partitionKey).toBe(sent[call]![i]!.partitionKey);
          expect(record.data).toEqual(Buffer.from(sent[call]![i]!.data));
        });
      });
      client.destroy();
    });
  });
});

describe('PutRecords with a client of the caller’s own (embedded Kinesis)', () => {
  it('keeps the SDK path, so the caller’s middleware sees the real records', async () => {
    await withLocal({ streams: { own: 1 } }, async (local) => {
      const seen: number[] = [];
      const own = new KinesisClient({
        ...clientOptions(local),
        requestHandler: new NodeHttpHandler(),
      });
      own.middlewareStack.add(
        (next) => (args) => {
          seen.push((args.input as { Records?: unknown[] }).Records?.length ?? -1);
          return next(args);
        },
        { step: 'initialize', name: 'countRecords' },
      );
      expect(putRecordsWireUsable(own)).toBe(false);
      const output = await sendPutRecords(own, { StreamName: 'own' }, entries(7));
      expect(output.Records).toHaveLength(7);
      expect(seen).toEqual([7]);
      own.destroy();
    });
  });

  it('keeps the SDK path for a client createKinesisClient built once middleware was added to it', async () => {
    await withLocal({ streams: { own: 1 } }, async (local) => {
      const seen: number[] = [];
      const client = createKinesisClient(clientOptions(local));
      client.middlewareStack.add(
        (next) => (args) => {
          seen.push((args.input as { Records?: unknown[] }).Records?.length ?? -1);
          return next(args);
        },
        { step: 'initialize', name: 'countRecords' },
      );
      const output = await sendPutRecords(client, { StreamName: 'own' }, entries(4));
      expect(output.Records).toHaveLength(4);
      expect(seen).toEqual([4]);
      client.destroy();
    });
  });
});
