import {
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  LimitExceededException,
  ListShardsCommand,
  ListStreamsCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { CONTROL_PLANE_LIMITS } from '../../src/local/controlPlaneLimits.js';
import { resolveLocalKinesisOptions } from '../../src/local/LocalKinesisOptions.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { postCbor } from './cborClient.js';

const ACCOUNT = '000000000000';

/** How each call of `calls` ended: 'ok', or the error's name and message. */
async function outcomes(calls: ReadonlyArray<() => Promise<unknown>>): Promise<string[]> {
  const ended: string[] = [];
  for (const call of calls) {
    try {
      await call();
      ended.push('ok');
    } catch (error) {
      const { name, message } = error as Error;
      ended.push(`${name}: ${message}`);
    }
  }
  return ended;
}

function times<T>(count: number, make: () => T): T[] {
  return Array.from({ length: count }, make);
}

/**
 * AWS holds control-plane calls to per-second rates given on each operation's API reference
 * page (DescribeStream 10 per account, DescribeStreamSummary 20 per account, ListShards 1,000
 * per stream, ListStreams 5 per account, DescribeStreamConsumer 20 per stream, ...), and answers
 * a call over its rate LimitExceededException "Rate exceeded for stream <name> under account
 * <id>." (or "Rate exceeded for account <id>." when the call names no stream).
 */
describe('local Kinesis control-plane call rates (limits on)', () => {
  let now = 0;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: { controlPlaneCallsPerSecond: { ListShards: 3 } },
      clock: () => now,
      streams: { alpha: 1, beta: 1, gamma: 2 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('answers the 21st DescribeStreamSummary of the account within a second LimitExceededException, as AWS words it', async () => {
    now = 1_000_000;
    const summary = (streamName: string) => () =>
      client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const ended = await outcomes([...times(10, () => summary('alpha')), ...times(10, () => summary('beta'))]);
    expect(ended).toEqual(times(20, () => 'ok'));
    const before = local.stats.throttledControlPlaneCalls;
    await expect(client.send(new DescribeStreamSummaryCommand({ StreamName: 'alpha' }))).rejects.toThrow(
      new LimitExceededException({
        message: `Rate exceeded for stream alpha under account ${ACCOUNT}.`,
        $metadata: {},
      }),
    );
    await expect(
      client.send(new DescribeStreamSummaryCommand({ StreamName: 'alpha' })),
    ).rejects.toBeInstanceOf(LimitExceededException);
    expect(local.stats.throttledControlPlaneCalls).toBe(before + 2);
    // The window slides: a second later the account has its 20 calls again.
    now += 1000;
    expect(await outcomes(times(20, () => summary('beta')))).toEqual(times(20, () => 'ok'));
  });

  it('refuses a malformed StreamARN as invalid even over the rate, and does not charge it', async () => {
    now = 1_500_000;
    const summary = () => client.send(new DescribeStreamSummaryCommand({ StreamName: 'alpha' }));
    expect(await outcomes(times(19, () => summary))).toEqual(times(19, () => 'ok'));
    const malformed = () => client.send(new DescribeStreamSummaryCommand({ StreamARN: 'not-an-arn' }));
    const ended = await outcomes([malformed, summary, malformed, summary]);
    expect(ended[0]).toMatch(/^ValidationException: /);
    expect(ended[1]).toBe('ok');
    expect(ended[2]).toMatch(/^ValidationException: /);
    expect(ended[3]).toBe(`LimitExceededException: Rate exceeded for stream alpha under account ${ACCOUNT}.`);
  });

  it('holds DescribeStream to 10 calls per second over the whole account', async () => {
    now = 2_000_000;
    const describe = (streamName: string) => () =>
      client.send(new DescribeStreamCommand({ StreamName: streamName }));
    const ended = await outcomes([
      ...times(5, () => describe('alpha')),
      ...times(5, () => describe('beta')),
      describe('gamma'),
    ]);
    expect(ended.slice(0, 10)).toEqual(times(10, () => 'ok'));
    expect(ended[10]).toBe(
      `LimitExceededException: Rate exceeded for stream gamma under account ${ACCOUNT}.`,
    );
  });

  it('holds ListStreams to 5 calls per second, refused with the account-wide words', async () => {
    now = 3_000_000;
    const ended = await outcomes(times(6, () => () => client.send(new ListStreamsCommand({}))));
    expect(ended).toEqual([
      ...times(5, () => 'ok'),
      `LimitExceededException: Rate exceeded for account ${ACCOUNT}.`,
    ]);
  });

  it('counts ListShards per stream (here 3 per second), NextToken pages against the stream they page', async () => {
    now = 4_000_000;
    const first = await client.send(new ListShardsCommand({ StreamName: 'gamma', MaxResults: 1 }));
    expect(first.NextToken).toBeDefined();
    const ended = await outcomes([
      () => client.send(new ListShardsCommand({ NextToken: first.NextToken })),
      () => client.send(new ListShardsCommand({ StreamName: 'alpha' })),
      () => client.send(new ListShardsCommand({ StreamName: 'alpha' })),
      () => client.send(new ListShardsCommand({ StreamName: 'alpha' })),
      () => client.send(new ListShardsCommand({ StreamName: 'gamma' })),
      () => client.send(new ListShardsCommand({ NextToken: first.NextToken })),
      () => client.send(new ListShardsCommand({ StreamName: 'alpha' })),
    ]);
    expect(ended).toEqual([
      'ok', // gamma's 2nd call (a NextToken page of gamma)
      'ok',
      'ok',
      'ok', // alpha's 3rd
      'ok', // gamma's 3rd
      `LimitExceededException: Rate exceeded for stream gamma under account ${ACCOUNT}.`,
      `LimitExceededException: Rate exceeded for stream alpha under account ${ACCOUNT}.`,
    ]);
  });

  it('holds DescribeStreamConsumer to 20 calls per second per stream, whether named by consumer or stream ARN', async () => {
    now = 5_000_000;
    const streamArn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'beta' })))
      .StreamDescriptionSummary!.StreamARN!;
    const consumerArn = (
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' }))
    ).Consumer!.ConsumerARN!;
    const ended = await outcomes([
      ...times(10, () => () => client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }))),
      ...times(
        10,
        () => () =>
          client.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' })),
      ),
      () => client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })),
    ]);
    expect(ended).toEqual([
      ...times(20, () => 'ok'),
      `LimitExceededException: Rate exceeded for stream beta under account ${ACCOUNT}.`,
    ]);
  });

  it('answers a throttled CBOR call in CBOR', async () => {
    now = 6_000_000;
    const answers = [];
    for (let call = 0; call < 21; call += 1) {
      answers.push(await postCbor(local.endpoint, 'DescribeStreamSummary', { StreamName: 'alpha' }));
    }
    expect(answers.slice(0, 20).map((answer) => answer.status)).toEqual(times(20, () => 200));
    expect(answers[20]).toEqual({
      status: 400,
      contentType: 'application/x-amz-cbor-1.1',
      errorType: 'LimitExceededException',
      body: {
        __type: 'LimitExceededException',
        message: `Rate exceeded for stream alpha under account ${ACCOUNT}.`,
      },
    });
  });
});

describe('local Kinesis: at most 5 stream consumers CREATING at once (limits on)', () => {
  // The API reference (RegisterStreamConsumer): "Registering a 6th consumer while there are 5 in
  // a CREATING status results in a LimitExceededException".
  async function registerSix(local: LocalKinesis): Promise<string[]> {
    const client = local.createClient();
    try {
      return await outcomes(
        times(6, () => 0).map(
          (_, index) => () =>
            client.send(
              new RegisterStreamConsumerCommand({
                StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${index % 2 === 0 ? 'even' : 'odd'}`,
                ConsumerName: `app-${index}`,
              }),
            ),
        ),
      );
    } finally {
      client.destroy();
    }
  }

  it('refuses a 6th registration while 5 consumers of the account are CREATING', async () => {
    const local = await startLocalKinesis({
      limits: { controlPlaneCallsPerSecond: { RegisterStreamConsumer: false } },
      efo: { consumerStatusDelayMs: 60_000 },
      streams: { even: 1, odd: 1 },
    });
    try {
      expect(await registerSix(local)).toEqual([
        ...times(5, () => 'ok'),
        `LimitExceededException: Account ${ACCOUNT} already has 5 consumers in CREATING status; wait until one is ACTIVE.`,
      ]);
    } finally {
      await local.close();
    }
  });

  it('takes them all without limits, or with limits.maxCreatingConsumers raised', async () => {
    for (const limits of [
      undefined,
      { maxCreatingConsumers: 6, controlPlaneCallsPerSecond: { RegisterStreamConsumer: false as const } },
    ]) {
      const local = await startLocalKinesis({
        ...(limits === undefined ? {} : { limits }),
        efo: { consumerStatusDelayMs: 60_000 },
        streams: { even: 1, odd: 1 },
      });
      try {
        expect(await registerSix(local)).toEqual(times(6, () => 'ok'));
      } finally {
        await local.close();
      }
    }
  });
});

describe('local Kinesis control-plane rates: opting out', () => {
  it('lifts the rate of an operation set to false, and keeps the others', async () => {
    const now = 7_000_000;
    const local = await startLocalKinesis({
      limits: { controlPlaneCallsPerSecond: { DescribeStreamSummary: false } },
      clock: () => now,
      streams: { free: 1 },
    });
    const client = local.createClient();
    try {
      const summaries = await outcomes(
        times(40, () => () => client.send(new DescribeStreamSummaryCommand({ StreamName: 'free' }))),
      );
      expect(summaries).toEqual(times(40, () => 'ok'));
      const lists = await outcomes(times(6, () => () => client.send(new ListStreamsCommand({}))));
      expect(lists[5]).toBe(`LimitExceededException: Rate exceeded for account ${ACCOUNT}.`);
    } finally {
      client.destroy();
      await local.close();
    }
  });

  it('limits no control-plane call without `limits`', async () => {
    const local = await startLocalKinesis({ clock: () => 8_000_000, streams: { open: 1 } });
    const client = local.createClient();
    try {
      const ended = await outcomes(times(30, () => () => client.send(new ListStreamsCommand({}))));
      expect(ended).toEqual(times(30, () => 'ok'));
    } finally {
      client.destroy();
      await local.close();
    }
  });
});

describe('limits.controlPlaneCallsPerSecond option', () => {
  it('defaults to the AWS rates', () => {
    const limits = resolveLocalKinesisOptions({ limits: true }).limits!;
    expect(limits.controlPlaneCallsPerSecond).toMatchObject({
      DescribeStream: 10,
      DescribeStreamSummary: 20,
      ListShards: 1000,
      ListStreams: 5,
      CreateStream: 5,
      DeleteStream: 5,
      MergeShards: 5,
      SplitShard: 5,
      DescribeLimits: 1,
      RegisterStreamConsumer: 5,
      DeregisterStreamConsumer: 5,
      DescribeStreamConsumer: 20,
      ListStreamConsumers: 5,
    });
    expect(Object.keys(limits.controlPlaneCallsPerSecond).sort()).toEqual(
      Object.keys(CONTROL_PLANE_LIMITS).sort(),
    );
  });

  it('overrides one rate and keeps the others', () => {
    const limits = resolveLocalKinesisOptions({
      limits: { controlPlaneCallsPerSecond: { DescribeStream: 100, ListStreams: false } },
    }).limits!;
    expect(limits.controlPlaneCallsPerSecond).toMatchObject({
      DescribeStream: 100,
      ListStreams: false,
      DescribeStreamSummary: 20,
    });
  });

  it.each([
    [{ DescribeStreams: 5 }, 'limits.controlPlaneCallsPerSecond.DescribeStreams'],
    [{ GetRecords: 5 }, 'limits.controlPlaneCallsPerSecond.GetRecords'],
    [{ ListShards: 0 }, 'limits.controlPlaneCallsPerSecond.ListShards'],
    [{ ListShards: 2.5 }, 'limits.controlPlaneCallsPerSecond.ListShards'],
    [{ ListShards: true }, 'limits.controlPlaneCallsPerSecond.ListShards'],
    [5, 'limits.controlPlaneCallsPerSecond'],
    [null, 'limits.controlPlaneCallsPerSecond'],
  ])('refuses %p up front, naming %s', (value, option) => {
    expect(() =>
      resolveLocalKinesisOptions({ limits: { controlPlaneCallsPerSecond: value as never } }),
    ).toThrow(InvalidOptionError);
    expect(() =>
      resolveLocalKinesisOptions({ limits: { controlPlaneCallsPerSecond: value as never } }),
    ).toThrow(option);
  });
});
