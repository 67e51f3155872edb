import {
  CreateStreamCommand,
  LimitExceededException,
  ResourceInUseException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

async function refusal(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  );
}

/**
 * A CreateStream naming a stream that exists is refused as in use, as Kinesis refuses it, even
 * when its shards would also pass the account's shard limit: the caller learns the name is taken,
 * not that it should ask for a higher limit.
 */
describe('local Kinesis: CreateStream of an existing stream over the shard limit', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ shardLimit: 6, streamStatusDelayMs: 0, streams: { taken: 4 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('answers ResourceInUseException, not LimitExceededException', async () => {
    const again = await refusal(client.send(new CreateStreamCommand({ StreamName: 'taken', ShardCount: 4 })));
    expect(again).toBeInstanceOf(ResourceInUseException);
    expect((again as Error).message).toMatch(/^Stream taken under account \d{12} already exists\.$/);
    const onDemand = await refusal(
      client.send(
        new CreateStreamCommand({ StreamName: 'taken', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      ),
    );
    expect(onDemand).toBeInstanceOf(ResourceInUseException);
  });

  it('still refuses a new stream over the limit with LimitExceededException', async () => {
    const fresh = await refusal(client.send(new CreateStreamCommand({ StreamName: 'fresh', ShardCount: 4 })));
    expect(fresh).toBeInstanceOf(LimitExceededException);
    expect((fresh as Error).message).toMatch(/Current shard count for the account: 4\. Limit: 6\./);
  });
});
