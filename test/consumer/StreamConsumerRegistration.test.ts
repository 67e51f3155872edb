// RegisterStreamConsumer answers ResourceInUseException both when the consumer exists and when the
// stream is not ACTIVE: against the embedded Kinesis (which does the same), the registration tells
// them apart and waits for a stream that is still CREATING instead of calling in a tight loop.
import {
  CreateStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  RegisterStreamConsumerCommand,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { asyncScheduler } from 'rxjs';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import {
  ACTIVATION_POLL_MS,
  StreamConsumerRegistration,
} from '../../src/consumer/StreamConsumerRegistration.js';
import { StreamConsumerLimitError } from '../../src/consumer/errors/StreamConsumerLimitError.js';
import { StreamConsumerNotActiveError } from '../../src/consumer/errors/StreamConsumerNotActiveError.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

/** Counts the RegisterStreamConsumer calls the client sends. */
function countRegistrations(client: KinesisClient): { readonly calls: number } {
  const counter = { calls: 0 };
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'RegisterStreamConsumerCommand') counter.calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRegistrations' },
  );
  return counter;
}

/**
 * Kinesis's DescribeStreamConsumer is eventually consistent: right after RegisterStreamConsumer
 * it can answer ResourceNotFoundException for a moment. The embedded Kinesis answers at once,
 * so the client answers the next `answers` DescribeStreamConsumer calls after a successful
 * RegisterStreamConsumer so (Infinity: every one; `fromStart`: the first ones, for a consumer
 * another worker registered a moment ago).
 */
function describeLagsAfterRegister(client: KinesisClient, answers: number, fromStart = false): void {
  let registered = fromStart;
  let lagging = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DescribeStreamConsumerCommand' && registered && lagging < answers) {
        lagging += 1;
        throw new ResourceNotFoundException({ message: 'Consumer not found', $metadata: {} });
      }
      const output = await next(args);
      if (context.commandName === 'RegisterStreamConsumerCommand') registered = true;
      return output;
    },
    { step: 'initialize', name: 'describeLagsAfterRegister' },
  );
}

/** Resolves once the stream is ACTIVE (DescribeStreamSummary every 50 ms). */
async function untilActive(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (output.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function registration(
  client: KinesisClient,
  streamName: string,
  activationTimeoutMs: number,
  events: ConsumerEvent[],
): StreamConsumerRegistration {
  return new StreamConsumerRegistration({
    client,
    address: parseStreamAddress(streamName),
    fanOut: { consumerName: 'app', silenceTimeoutMs: 35_000, activationTimeoutMs, deregisterOnStop: false },
    scheduler: asyncScheduler,
    backoff: { baseMs: 50, capMs: 1000, retryLimit: 5, random: () => 0.5 },
    onEvent: (event) => events.push(event),
  });
}

describe('StreamConsumerRegistration and ResourceInUseException', () => {
  let local: LocalKinesis | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('waits for the stream (one RegisterStreamConsumer a poll), then registers the consumer', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 5000, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerCreating');
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const counter = countRegistrations(client);
    const events: ConsumerEvent[] = [];
    const started = Date.now();
    const arn = await registration(client, streamName, 60_000, events).ensure();
    const elapsed = Date.now() - started;
    expect(arn).toContain(`stream/${streamName}/consumer/app:`);
    // One call per poll while the stream was CREATING, plus the one that registered it.
    expect(counter.calls).toBeLessThanOrEqual(Math.ceil(elapsed / ACTIVATION_POLL_MS) + 2);
    const refusals = events.filter((event) => event.type === 'error-retried');
    expect(refusals.length).toBeGreaterThan(0);
    for (const event of refusals) {
      expect(event).toMatchObject({ operation: 'RegisterStreamConsumer', delayMs: expect.any(Number) });
      if (event.type === 'error-retried') expect(event.error).toBeInstanceOf(StreamNotActiveError);
    }
    client.destroy();
  });

  it('a refusal answered while the stream turned ACTIVE is not taken for a consumer that exists: it registers', async () => {
    // The race a consumer started with a new stream can meet: RegisterStreamConsumer is refused
    // while the stream is CREATING, and the stream is ACTIVE by the time that answer is read. The
    // refusal said nothing of the consumer; taking it for one that exists waited for a consumer
    // nobody had registered until activationTimeoutMs (StreamConsumerNotActiveError, not found).
    // The first RegisterStreamConsumer must reach the stream while it is CREATING: both clients
    // pay their first request's cost before the stream is created, and it stays CREATING 5 s,
    // far longer than the three calls before that one take on a loaded machine.
    local = await startLocalKinesis({ streamStatusDelayMs: 5000, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const observer = local.createClient();
    await Promise.all([client.send(new ListStreamsCommand({})), observer.send(new ListStreamsCommand({}))]);
    const streamName = uniqueStreamName('registerTurnsActive');
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    let held = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (context.commandName !== 'RegisterStreamConsumerCommand' || held > 0) throw error;
          held += 1;
          // The refusal is read only once the stream is ACTIVE.
          await untilActive(observer, streamName);
          throw error;
        }
      },
      { step: 'initialize', name: 'refusalReadLate' },
    );
    const counter = countRegistrations(client);
    const arn = await registration(client, streamName, 30_000, []).ensure();
    expect(held).toBe(1);
    expect(arn).toContain(`stream/${streamName}/consumer/app:`);
    expect(counter.calls).toBe(2);
    client.destroy();
    observer.destroy();
  });

  it('fails with StreamNotActiveError (cause: the ResourceInUseException) once activationTimeoutMs passed', async () => {
    // CREATING far longer than the 1.5 s activation timeout; not longer than needed, since the
    // store's status timer outlives close() (it would hold the test worker up to that long).
    local = await startLocalKinesis({ streamStatusDelayMs: 10_000 });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerNeverActive');
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const counter = countRegistrations(client);
    const started = Date.now();
    const error = await registration(client, streamName, 1500, [])
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(StreamNotActiveError);
    expect((error as StreamNotActiveError).retriable).toBe(true);
    expect((error as StreamNotActiveError).code).toBe('ResourceInUseException');
    expect((error as StreamNotActiveError).context).toMatchObject({ streamName });
    expect(((error as StreamNotActiveError).cause as Error).name).toBe('ResourceInUseException');
    expect((error as Error).message).toContain('RegisterStreamConsumer');
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(counter.calls).toBeLessThanOrEqual(Math.ceil(elapsed / ACTIVATION_POLL_MS) + 2);
    client.destroy();
  });

  it('two workers registering the same consumer at once both get it, without waiting a poll', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerRace');
    await local.createStream(streamName, 1);
    const events: ConsumerEvent[] = [];
    const [first, second] = await Promise.all([
      registration(client, streamName, 60_000, events).ensure(),
      registration(client, streamName, 60_000, events).ensure(),
    ]);
    expect(second).toBe(first);
    // Whichever was refused as in use found the consumer at once: no wait for the stream.
    expect(events.filter((event) => event.type === 'error-retried')).toEqual([]);
    client.destroy();
  });

  it('a consumer DescribeStreamConsumer does not list yet right after registering is waited for, not registered again nor called a stream not ACTIVE', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerDescribeLag');
    await local.createStream(streamName, 1);
    const counter = countRegistrations(client);
    describeLagsAfterRegister(client, 2);
    const events: ConsumerEvent[] = [];
    const arn = await registration(client, streamName, 60_000, events).ensure();
    expect(arn).toContain(`stream/${streamName}/consumer/app:`);
    expect(counter.calls).toBe(1);
    expect(events.filter((event) => event.type === 'error-retried')).toEqual([]);
    client.destroy();
  });

  it('a registered consumer never listed fails with StreamConsumerNotActiveError (not found), not StreamNotActiveError', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerNeverListed');
    await local.createStream(streamName, 1);
    describeLagsAfterRegister(client, Number.POSITIVE_INFINITY);
    const events: ConsumerEvent[] = [];
    const error = await registration(client, streamName, 1500, events)
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
    expect((error as StreamConsumerNotActiveError).status).toBe('not found');
    expect((error as Error).message).toMatch(
      /^stream consumer app of stream \S+ does not exist after \d+ ms \(status not found: deregistered, or its stream deleted\)$/,
    );
    expect(events.filter((event) => event.type === 'error-retried')).toEqual([]);
    client.destroy();
  });

  it('refused with LimitExceededException until activationTimeoutMs (consumers CREATING): the error counts every attempt and says the limit may be why', async () => {
    // Another consumer stays CREATING, and the account may have only one CREATING at once: each
    // RegisterStreamConsumer is refused with LimitExceededException that a later call may pass,
    // so it is retried until activationTimeoutMs.
    local = await startLocalKinesis({
      streamStatusDelayMs: 0,
      efo: { consumerStatusDelayMs: 30_000 },
      limits: { maxCreatingConsumers: 1 },
    });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerCreatingLimit');
    await local.createStream(streamName, 1);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: summary.StreamDescriptionSummary?.StreamARN,
        ConsumerName: 'first',
      }),
    );
    const counter = countRegistrations(client);
    // retryLimit 0: each round of the throttling loop is one call.
    const error = await new StreamConsumerRegistration({
      client,
      address: parseStreamAddress(streamName),
      fanOut: {
        consumerName: 'app',
        silenceTimeoutMs: 35_000,
        activationTimeoutMs: 2000,
        deregisterOnStop: false,
      },
      scheduler: asyncScheduler,
      backoff: { baseMs: 50, capMs: 1000, retryLimit: 0, random: () => 0.5 },
      onEvent: () => undefined,
    })
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(RetryLimitExceededError);
    const gaveUp = error as RetryLimitExceededError;
    // Every call counted (was: the last round's, 1).
    expect(counter.calls).toBeGreaterThan(1);
    expect(gaveUp.attempts).toBe(counter.calls);
    expect(gaveUp.message).toMatch(
      new RegExp(
        `^Gave up after ${counter.calls} attempts in 2000 ms \\(activationTimeoutMs\\), each refused: .*CREATING status`,
      ),
    );
    expect(gaveUp.cause).toBeInstanceOf(ThrottledError);
    expect(gaveUp.code).toBe('LimitExceededException');
    // LimitExceededException also means a rate: the error names the consumer limit as a maybe.
    expect(gaveUp.message).toContain(
      'The stream has 1 registered consumer: it may be at its consumer limit (20 per stream,',
    );
    expect(gaveUp.message).toContain('aws kinesis list-stream-consumers --stream-arn ARN');
    client.destroy();
  });

  it('a stream at its consumer limit (20) fails at once with StreamConsumerLimitError, not retried until activationTimeoutMs', async () => {
    local = await startLocalKinesis({
      streamStatusDelayMs: 0,
      efo: { consumerStatusDelayMs: 0 },
      limits: { controlPlaneCallsPerSecond: { RegisterStreamConsumer: false } },
    });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerAtLimit');
    await local.createStream(streamName, 1);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    for (let i = 0; i < 20; i += 1) {
      await client.send(
        new RegisterStreamConsumerCommand({
          StreamARN: summary.StreamDescriptionSummary?.StreamARN,
          ConsumerName: `other-${i}`,
        }),
      );
    }
    const counter = countRegistrations(client);
    const events: ConsumerEvent[] = [];
    const started = Date.now();
    const error = await registration(client, streamName, 20_000, events)
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    // Was: RetryLimitExceededError after the whole activationTimeoutMs.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(StreamConsumerLimitError);
    const limited = error as StreamConsumerLimitError;
    expect(limited.retriable).toBe(false);
    expect(limited).toMatchObject({ consumer: 'app', limit: 20, consumerCount: 20 });
    expect(limited.context).toMatchObject({ streamName });
    expect((limited.cause as Error).name).toBe('LimitExceededException');
    expect(limited.message).toBe(
      `stream ${streamName} has 20 registered consumers, its limit of 20: RegisterStreamConsumer ` +
        'for app refused with LimitExceededException, and no retry succeeds until a consumer is ' +
        'deregistered. Deregister a consumer no application uses (aws kinesis ' +
        'list-stream-consumers --stream-arn ARN, then aws kinesis deregister-stream-consumer), or ' +
        'read as one this application already registered (enhancedFanOut.consumerName or ' +
        'consumerArn; two applications reading as one consumer take its subscriptions from each other)',
    );
    expect(counter.calls).toBe(1);
    expect(events.filter((event) => event.type === 'error-retried')).toEqual([]);
    client.destroy();
  });

  it('a consumerArn not found fails at once, not retriable, saying it does not exist', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerArnGone');
    await local.createStream(streamName, 1);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const consumerArn = `${summary.StreamDescriptionSummary?.StreamARN ?? ''}/consumer/gone:1700000000`;
    const started = Date.now();
    const error = await new StreamConsumerRegistration({
      client,
      address: parseStreamAddress(streamName),
      fanOut: { consumerArn, silenceTimeoutMs: 35_000, activationTimeoutMs: 60_000, deregisterOnStop: false },
      scheduler: asyncScheduler,
      backoff: { baseMs: 50, capMs: 1000, retryLimit: 5, random: () => 0.5 },
      onEvent: () => undefined,
    })
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
    const gone = error as StreamConsumerNotActiveError;
    expect(gone).toMatchObject({ status: 'not found', consumer: consumerArn, waitedMs: 0 });
    // Was: retriable, and "does not exist after N ms" once the call took a millisecond.
    expect(gone.retriable).toBe(false);
    expect(gone.message).toBe(
      `stream consumer ${consumerArn} of stream ${streamName} does not exist (status not found: ` +
        'deregistered, or its stream deleted); an ARN names one registration: register a new one ' +
        '(its consumerArn changes) or give enhancedFanOut.consumerName to have it registered',
    );
    client.destroy();
  });

  it('a consumerArn whose consumer is DELETING fails at once, not retriable, naming the ARN', async () => {
    // DELETING for 6 s: a loaded machine's slow answers leave the check well within it.
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 6000 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerDeleting');
    await local.createStream(streamName, 1);
    const consumerArn = await registration(client, streamName, 60_000, []).ensure();
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    const started = Date.now();
    const error = await new StreamConsumerRegistration({
      client,
      address: parseStreamAddress(streamName),
      fanOut: { consumerArn, silenceTimeoutMs: 35_000, activationTimeoutMs: 60_000, deregisterOnStop: false },
      scheduler: asyncScheduler,
      backoff: { baseMs: 50, capMs: 1000, retryLimit: 5, random: () => 0.5 },
      onEvent: () => undefined,
    })
      .ensure()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    // Not waited out (it stays DELETING 6 s here, then is gone): it never turns ACTIVE again.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
    const deleting = error as StreamConsumerNotActiveError;
    expect(deleting.status).toBe('DELETING');
    expect(deleting.retriable).toBe(false);
    expect(deleting.consumer).toBe(consumerArn);
    expect(deleting.message).toBe(
      `stream consumer ${consumerArn} of stream ${streamName} is being deleted (status DELETING): it ` +
        'never turns ACTIVE again; register a new one (its consumerArn changes) or give ' +
        'enhancedFanOut.consumerName to have it registered',
    );
    client.destroy();
  });

  it('refused as in use while the stream is ACTIVE (another worker registered it a moment ago): waited for, no stream-not-ACTIVE retry', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, efo: { consumerStatusDelayMs: 0 } });
    const other = local.createClient();
    const client = local.createClient();
    const streamName = uniqueStreamName('registerOtherWorker');
    await local.createStream(streamName, 1);
    const first = await registration(other, streamName, 60_000, []).ensure();
    const counter = countRegistrations(client);
    describeLagsAfterRegister(client, 2, true);
    const events: ConsumerEvent[] = [];
    const arn = await registration(client, streamName, 60_000, events).ensure();
    expect(arn).toBe(first);
    // The first refusal came before the stream was seen ACTIVE (it could have been CREATING then):
    // one more call, sent once it was, says the consumer exists.
    expect(counter.calls).toBe(2);
    expect(events.filter((event) => event.type === 'error-retried')).toEqual([]);
    other.destroy();
    client.destroy();
  });
});
