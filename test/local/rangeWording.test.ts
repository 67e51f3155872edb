import {
  DescribeStreamCommand,
  ListShardsCommand,
  ListTagsForStreamCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error;
  return { name: error.name, message: error.message };
}

function outOfRange(value: number, member: string, constraint: string): { name: string; message: string } {
  return {
    name: 'ValidationException',
    message: `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value ${constraint}`,
  };
}

/**
 * Kinesis names the bound a number broke ("Member must have value greater than or equal to 1",
 * "... less than or equal to 10000"), as the checks the backing store makes for DescribeStream,
 * ListStreams and GetRecords already do; the checks the front makes itself use the same words.
 */
describe('local Kinesis words an out-of-range number as Kinesis does', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { ranged: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('DescribeStream Limit (answered by the backing store): the wording the others follow', async () => {
    expect(await refusal(client.send(new DescribeStreamCommand({ StreamName: 'ranged', Limit: 0 })))).toEqual(
      outOfRange(0, 'limit', 'greater than or equal to 1'),
    );
  });

  it('ListShards MaxResults below 1 and above 10000', async () => {
    expect(
      await refusal(client.send(new ListShardsCommand({ StreamName: 'ranged', MaxResults: 0 }))),
    ).toEqual(outOfRange(0, 'maxResults', 'greater than or equal to 1'));
    expect(
      await refusal(client.send(new ListShardsCommand({ StreamName: 'ranged', MaxResults: 10_001 }))),
    ).toEqual(outOfRange(10_001, 'maxResults', 'less than or equal to 10000'));
  });

  it('ListTagsForStream Limit below 1 and above 50', async () => {
    expect(
      await refusal(client.send(new ListTagsForStreamCommand({ StreamName: 'ranged', Limit: 0 }))),
    ).toEqual(outOfRange(0, 'limit', 'greater than or equal to 1'));
    expect(
      await refusal(client.send(new ListTagsForStreamCommand({ StreamName: 'ranged', Limit: 51 }))),
    ).toEqual(outOfRange(51, 'limit', 'less than or equal to 50'));
  });

  it('UpdateShardCount TargetShardCount below 1 and above 100000, and missing', async () => {
    const update = (target: number | undefined): Promise<unknown> =>
      client.send(
        new UpdateShardCountCommand({
          StreamName: 'ranged',
          TargetShardCount: target,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
    expect(await refusal(update(0))).toEqual(outOfRange(0, 'targetShardCount', 'greater than or equal to 1'));
    expect(await refusal(update(100_001))).toEqual(
      outOfRange(100_001, 'targetShardCount', 'less than or equal to 100000'),
    );
    expect(await refusal(update(undefined))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'targetShardCount' failed to satisfy constraint: Member must not be null",
    });
  });
});
