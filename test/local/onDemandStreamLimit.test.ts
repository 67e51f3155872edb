import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  UpdateStreamModeCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error;
  return { name: error.name, message: error.message };
}

const LIMIT = 50;
const onDemand = { StreamMode: 'ON_DEMAND' } as const;

/**
 * AWS lets an account have 50 streams in on-demand mode by default (DescribeLimits reports it as
 * OnDemandStreamCountLimit) and refuses one more with LimitExceededException, whether it is
 * created on-demand or switched to it.
 */
describe('local Kinesis: the on-demand stream limit', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { fixed: 1 } });
    client = local.createClient();
    for (let index = 0; index < LIMIT; index += 1) {
      await client.send(
        new CreateStreamCommand({ StreamName: `demand-${index}`, StreamModeDetails: onDemand }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('refuses a 51st on-demand stream, and DescribeLimits never counts past the limit', async () => {
    expect(await refusal(client.send(new CreateStreamCommand({ StreamName: 'one-more' })))).toEqual({
      name: 'LimitExceededException',
      message: expect.stringContaining(`limit of ${LIMIT} streams in ON_DEMAND mode`) as string,
    });
    const limits = await client.send(new DescribeLimitsCommand({}));
    expect(limits).toMatchObject({ OnDemandStreamCount: LIMIT, OnDemandStreamCountLimit: LIMIT });
  });

  it('refuses to switch a provisioned stream to on-demand past the limit', async () => {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'fixed' }));
    const arn = summary.StreamDescriptionSummary?.StreamARN;
    const refused = await refusal(
      client.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: onDemand })),
    );
    expect(refused.name).toBe('LimitExceededException');
    const after = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'fixed' }));
    expect(after.StreamDescriptionSummary?.StreamModeDetails?.StreamMode).toBe('PROVISIONED');
  });

  it('takes a new on-demand stream once one is deleted', async () => {
    await client.send(new DeleteStreamCommand({ StreamName: 'demand-0' }));
    await untilGone(client, 'demand-0');
    await client.send(new CreateStreamCommand({ StreamName: 'replacement', StreamModeDetails: onDemand }));
    await untilActive(client, 'replacement');
  }, 60_000);
});

async function untilGone(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const gone = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
      () => false,
      (error: unknown) => (error as Error).name === 'ResourceNotFoundException',
    );
    if (gone) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
