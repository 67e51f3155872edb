// checkpoint(redis) and fromKinesis({ checkpointer: redis }) with an ioredis client, as the README says.
import { Redis } from 'ioredis';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DEFAULT_CHECKPOINTER_NAME } from '../../src/checkpointers/toCheckpointer.js';
import { RedisKeys } from '../../src/checkpointers/redis/redisKeys.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

jest.setTimeout(60_000);
let kinesis: TestKinesis;
let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
  redis = await startTestRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  await client.quit();
  await redis.close();
  await kinesis.close();
});

it('checkpoint(redisClient) and fromKinesis({ checkpointer: redisClient }) write checkpoints to Redis', async () => {
  const streamName = uniqueStreamName('ioredis');
  await kinesis.createStream(streamName, 1);
  await putTestRecords(kinesis.createClient(), streamName, numberedRecords(20));
  const connection = { endpoint: kinesis.endpoint, region: kinesis.region, credentials: kinesis.credentials };
  const first = fromKinesis({ streamName, ...connection, sleepTimeNoRecords: 50 });
  await firstValueFrom(first.pipe(checkpoint(client, { batchSize: 1 }), take(20), toArray()));
  // Its stop (last checkpoints, leaving the group) goes on after take() unsubscribed: wait for it,
  // or it is still calling Redis, and retrying, when afterAll quits the client.
  await first.stopped();
  const keys = new RedisKeys('rxjs-kinesis:', DEFAULT_CHECKPOINTER_NAME);
  let shard: Record<string, string> = {};
  for (let i = 0; i < 100 && shard.seq === undefined; i += 1) {
    shard = await client.hgetall(keys.shard(streamName, 'shardId-000000000000'));
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(shard.seq).toBeDefined();

  // A second consumer given the same client resumes from that checkpoint: it reads only new records.
  await putTestRecords(kinesis.createClient(), streamName, numberedRecords(5, 64, 100));
  const second = fromKinesis({ streamName, ...connection, checkpointer: client, sleepTimeNoRecords: 50 });
  const resumed = await firstValueFrom(second.pipe(checkpoint(), take(5), toArray()));
  await second.stopped();
  expect(resumed.map((record) => Buffer.from(record.data).toString())).toEqual([
    '100',
    '101',
    '102',
    '103',
    '104',
  ]);
});

it('refuses anything else clearly', () => {
  expect(() => fromKinesis({ streamName: 's', checkpointer: new Map() as never })).toThrow(
    InvalidOptionError,
  );
  expect(() => checkpoint(new Map() as never)).toThrow(
    /Invalid option "checkpointer": got "\[Map\]"; expected a Checkpointer/,
  );
});
