// RegisterStreamConsumer refused with LimitExceededException asks DescribeStreamSummary how many
// consumers the stream has. That question is part of the registration attempt, and ends with it:
// it used to run on the consumer's signal under a deadline of its own, so an attempt that timed
// out (a slow RegisterStreamConsumer answer, then a summary that hangs) left its summary call open
// past the attempt's end, alongside the next attempt, until its own deadline. Against the embedded
// Kinesis at its consumer limit, behind a proxy that holds the summary's answer.
import {
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { asyncScheduler } from 'rxjs';
import { StreamConsumerLimitError } from '../../src/consumer/errors/StreamConsumerLimitError.js';
import { StreamConsumerRegistration } from '../../src/consumer/StreamConsumerRegistration.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { startDynamoDBFaultProxy, type DynamoDBFaultProxy } from '../support/dynamodbFaultProxy.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

/** Each attempt's deadline, and how long each RegisterStreamConsumer answer is held back. */
const CALL_TIMEOUT_MS = 2500;
const REGISTER_LAG_MS = 1500;

let local: LocalKinesis;
let proxy: DynamoDBFaultProxy;
let admin: KinesisClient;

beforeAll(async () => {
  local = await startLocalKinesis({ efo: { consumerStatusDelayMs: 0, maxConsumersPerStream: 1 } });
  admin = local.createClient();
  proxy = await startDynamoDBFaultProxy(local.endpoint);
});

afterAll(async () => {
  await proxy.close();
  admin.destroy();
  await local.close();
});

/** Record of what the client sent: when each call started, and when each summary call ended. */
function watchCalls(client: KinesisClient) {
  const log: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName;
      log.push(`${name} sent`);
      try {
        return await next(args);
      } catch (error) {
        // A slow RegisterStreamConsumer answer: the attempt's deadline runs meanwhile.
        if (name === 'RegisterStreamConsumerCommand')
          await new Promise((resolve) => setTimeout(resolve, REGISTER_LAG_MS));
        throw error;
      } finally {
        if (name === 'DescribeStreamSummaryCommand') log.push(`${name} ended`);
      }
    },
    { step: 'initialize', name: 'watchCalls' },
  );
  return log;
}

test('the consumer limit question ends with the registration attempt that asked it', async () => {
  const streamName = uniqueStreamName('limitSummaryDeadline');
  await local.createStream(streamName, 1);
  const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
  await admin.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'first' }));

  const client = createKinesisClient({
    endpoint: proxy.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
  });
  const log = watchCalls(client);
  // The first attempt's summary hangs (its answer held); the second attempt's is answered.
  const held = proxy.hold('DescribeStreamSummary');
  const error = await new StreamConsumerRegistration({
    client,
    address: parseStreamAddress(streamArn),
    fanOut: {
      consumerName: 'second',
      silenceTimeoutMs: 35_000,
      activationTimeoutMs: 30_000,
      deregisterOnStop: false,
    },
    scheduler: asyncScheduler,
    backoff: { baseMs: 400, capMs: 1000, retryLimit: 1, random: () => 0.5 },
    onEvent: () => undefined,
    callTimeoutMs: CALL_TIMEOUT_MS,
  })
    .ensure()
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  await held.reached;
  client.destroy();
  expect(error).toBeInstanceOf(StreamConsumerLimitError);
  const registers = log.flatMap((entry, at) => (entry === 'RegisterStreamConsumerCommand sent' ? [at] : []));
  expect(registers).toHaveLength(2);
  // The first summary call ended (aborted at its attempt's deadline) before the next attempt began;
  // it used to stay open until REGISTER_LAG_MS after that.
  const firstSummaryEnded = log.indexOf('DescribeStreamSummaryCommand ended');
  expect(firstSummaryEnded).toBeGreaterThan(registers[0]!);
  expect(firstSummaryEnded).toBeLessThan(registers[1]!);
});
