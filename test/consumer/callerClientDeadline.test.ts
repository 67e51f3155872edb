// A client of the caller's own (the SDK's default handler waits for an answer for ever): the
// consumer gives each of its calls connectTimeout + requestTimeout, then gives it up with a
// RequestTimeoutError and goes on as after a timeout. Against the local Kinesis's black holes
// (requests read and never answered) the consumer used to hang on the first one.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom, takeWhile } from 'rxjs';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { Producer } from '../../src/producer/Producer.js';

jest.setTimeout(90_000);

/** A plain SDK client: no connection or request timeouts, no SDK retries. */
function callerClient(local: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}) {
  return new KinesisClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

/**
 * Reads `streamName` (one shard) through a client of your own from a local Kinesis that answers
 * nothing, and returns the RequestTimeoutError in the failure's cause chain, the time it took
 * and the black holes injected.
 */
async function readFromBlackHole(
  streamName: string,
  extra: { enhancedFanOut?: { consumerName: string } } = {},
) {
  const local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
  const client = callerClient(local);
  // Calls sent, counted by the client: a call given up before the server read it (a loaded
  // machine) is no black hole the server counts, but it is a call all the same.
  let calls = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countCalls' },
  );
  try {
    await local.createStream(streamName, 1);
    const started = Date.now();
    const error = await lastValueFrom(
      fromKinesis({
        streamName,
        client,
        ...extra,
        connectTimeout: 200,
        requestTimeout: 300,
        retryLimit: 2,
        expoBackoff: 10,
        expoBackoffLimit: 50,
      }),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    let cause: unknown = error;
    while (cause !== undefined && !(cause instanceof RequestTimeoutError)) {
      cause = (cause as { cause?: unknown }).cause;
    }
    return {
      timeout: cause,
      elapsedMs: Date.now() - started,
      calls,
      blackHoles: local.stats.injectedBlackHoles,
    };
  } finally {
    client.destroy();
    await local.close();
  }
}

test('every call black-holed: the consumer errors with a retriable RequestTimeoutError instead of hanging', async () => {
  const { timeout, elapsedMs, calls, blackHoles } = await readFromBlackHole('silent');
  expect(elapsedMs).toBeLessThan(30_000);
  expect(timeout).toBeInstanceOf(RequestTimeoutError);
  expect((timeout as RequestTimeoutError).message).toContain('ListShards got no answer within 500 ms');
  // Tried, retried (retryLimit 2) and given up each time.
  expect(calls).toBeGreaterThanOrEqual(3);
  expect(blackHoles).toBeGreaterThanOrEqual(1);
});

test('a third of the calls black-holed: every record is read through a client of your own', async () => {
  const local = await startLocalKinesis({ faults: { blackHoleRate: 0.3, seed: 11 } });
  const client = callerClient(local);
  try {
    await local.createStream('lossy', 2);
    // Written through the library's own client (its handler has deadlines), retried until stored.
    const producer = new Producer<{ id: number }>({
      streamName: 'lossy',
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestTimeout: 300,
    });
    for (let id = 0; id < 20; id += 1) await producer.put({ id });
    await producer.close();
    const seen = new Set<number>();
    await lastValueFrom(
      fromKinesis({
        streamName: 'lossy',
        client,
        connectTimeout: 200,
        requestTimeout: 300,
        expoBackoff: 10,
        expoBackoffLimit: 100,
      }).pipe(
        deserialize<{ id: number }>(),
        // A write retried after a black hole may be stored twice: ids are counted once.
        takeWhile((item) => {
          seen.add(item.data.id);
          return seen.size < 20;
        }, true),
      ),
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, id) => id));
    expect(local.stats.injectedBlackHoles).toBeGreaterThan(0);
  } finally {
    client.destroy();
    await local.close();
  }
});

test('enhanced fan-out, every call black-holed: registration errors with a RequestTimeoutError instead of hanging', async () => {
  const { timeout, elapsedMs } = await readFromBlackHole('silent-efo', {
    enhancedFanOut: { consumerName: 'audit' },
  });
  expect(elapsedMs).toBeLessThan(30_000);
  expect(timeout).toBeInstanceOf(RequestTimeoutError);
  expect((timeout as RequestTimeoutError).message).toMatch(/got no answer within 500 ms/);
});

test('the longest timeouts allowed: calls wait for their answer, not a deadline past the longest timer that passes at once', async () => {
  const local = await startLocalKinesis();
  const client = callerClient(local);
  try {
    await local.createStream('patient', 1);
    const producer = new Producer<{ id: number }>({
      streamName: 'patient',
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
    });
    for (let id = 0; id < 5; id += 1) await producer.put({ id });
    await producer.close();
    const seen: number[] = [];
    const errors: unknown[] = [];
    await lastValueFrom(
      fromKinesis({
        streamName: 'patient',
        client,
        // Each within its bounds; their sum is past 2^31 - 1 ms, which a timer runs after 1 ms.
        connectTimeout: 5_000,
        requestTimeout: 2_147_483_647,
        retryLimit: 2,
        expoBackoff: 10,
        expoBackoffLimit: 50,
      }).pipe(
        deserialize<{ id: number }>(),
        takeWhile((item) => {
          seen.push(item.data.id);
          return seen.length < 5;
        }, true),
      ),
    ).catch((error: unknown) => errors.push(error));
    expect(errors).toEqual([]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  } finally {
    client.destroy();
    await local.close();
  }
});
