import { CreateStreamCommand, ResourceInUseException, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

/**
 * Two CreateStreams of the same name sent at once, whose shards together would pass the
 * account's shard limit: one creates the stream, the other is refused as in use, as Kinesis
 * refuses a name that is taken, not with LimitExceededException (the other call's shards were
 * counted while its answer was still on the way).
 */
describe.each([false, true])(
  'local Kinesis: CreateStreams of one name at once near the shard limit (limits: %s)',
  (limits) => {
    let local: LocalKinesis;
    let client: KinesisClient;

    beforeAll(async () => {
      local = await startLocalKinesis({ shardLimit: 6, streamStatusDelayMs: 0, limits });
      client = local.createClient();
    });

    afterAll(async () => {
      client.destroy();
      await local.close();
    });

    it.each([4, 2])(
      'one creates it, the other answers ResourceInUseException (%i shards each)',
      async (shards) => {
        const name = `twin-${shards}`;
        const answers = await Promise.allSettled(
          [0, 1].map(() => client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))),
        );
        expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(1);
        for (const answer of answers) {
          if (answer.status === 'rejected') expect(answer.reason).toBeInstanceOf(ResourceInUseException);
        }
      },
    );
  },
);
