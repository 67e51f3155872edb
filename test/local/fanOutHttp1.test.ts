import { spawnSync } from 'node:child_process';
import { runCommand, type CommandResult } from '../support/runCommand.js';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { activeConsumer, dataOf, EventReader, streamArnOf } from './fanOutClient.js';

const SHARD = 'shardId-000000000000';

/** boto3 reading a subscription to its end over HTTP/1.1, one JSON line per event. */
const BOTO3_SUBSCRIBER = `
import json, sys, boto3
endpoint, arn, shard = sys.argv[1:4]
client = boto3.client('kinesis', endpoint_url=endpoint, region_name='us-east-1',
                      aws_access_key_id='local', aws_secret_access_key='local')
answer = client.subscribe_to_shard(ConsumerARN=arn, ShardId=shard, StartingPosition={'Type': 'TRIM_HORIZON'})
for event in answer['EventStream']:
    e = event['SubscribeToShardEvent']
    print(json.dumps({'data': [r['Data'].decode() for r in e['Records']],
                      'continuation': e.get('ContinuationSequenceNumber')}), flush=True)
`;

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
/** AWS CLI v1 has no subscribe-to-shard (event streams); v2 has. */
const awsSubscribes =
  hasAws &&
  spawnSync('aws', ['kinesis', 'subscribe-to-shard', 'help'], {
    stdio: 'ignore',
    env: { ...process.env, AWS_PAGER: '', PAGER: 'cat', MANPAGER: 'cat' },
  }).status === 0;

/** An AWS client run with local credentials and region. */
function run(command: string, args: readonly string[]): Promise<CommandResult> {
  return runCommand(command, args, {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  });
}

describe('local Kinesis SubscribeToShard over HTTP/1.1', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streams: { chunked: 1, python: 1, cli: 1 },
      efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 300, subscriptionLifetimeMs: 5000 },
    });
    // The SDK's HTTP/1.1 handler: the event stream arrives as a chunked response.
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('streams events to the SDK on its HTTP/1.1 handler', async () => {
    const consumerArn = await activeConsumer(client, 'chunked', 'http1');
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await reader.event();
    await client.send(
      new PutRecordCommand({ StreamName: 'chunked', PartitionKey: 'k', Data: Buffer.from('over http/1.1') }),
    );
    expect(dataOf(await reader.eventsWithRecords(1))).toEqual(['over http/1.1']);
    // The lifetime ends the chunked response cleanly.
    for (;;) {
      const outcome = await reader.next();
      if (outcome.kind === 'end') break;
      expect(outcome.kind).toBe('event');
    }
  });

  (hasBoto3 ? it : it.skip)('streams events to boto3 until the subscription ends', async () => {
    const consumerArn = await activeConsumer(client, 'python', 'boto3');
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'python', PartitionKey: 'k', Data: Buffer.from('to python') }),
    );
    const { code, out, err } = await run('python3', [
      '-c',
      BOTO3_SUBSCRIBER,
      local.endpoint,
      consumerArn,
      SHARD,
    ]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const events = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { data: string[]; continuation: string });
    expect(events.flatMap((event) => event.data)).toEqual(['to python']);
    expect(events[events.length - 1]!.continuation).toBe(put.SequenceNumber);
  });

  (hasAws ? it : it.skip)('answers the AWS CLI stream consumer commands', async () => {
    const streamArn = await streamArnOf(client, 'cli');
    const registered = await run('aws', [
      'kinesis',
      'register-stream-consumer',
      '--stream-arn',
      streamArn,
      '--consumer-name',
      'from-cli',
      '--endpoint-url',
      local.endpoint,
      '--output',
      'json',
    ]);
    expect(registered.code).toBe(0);
    const consumer = (JSON.parse(registered.out) as { Consumer: { ConsumerARN: string } }).Consumer;
    expect(consumer.ConsumerARN).toMatch(new RegExp(`^${streamArn}/consumer/from-cli:\\d+$`));
    const listed = await run('aws', [
      'kinesis',
      'list-stream-consumers',
      '--stream-arn',
      streamArn,
      '--endpoint-url',
      local.endpoint,
      '--output',
      'json',
    ]);
    expect(listed.code).toBe(0);
    expect(
      (JSON.parse(listed.out) as { Consumers: Array<{ ConsumerName: string }> }).Consumers.map(
        (entry) => entry.ConsumerName,
      ),
    ).toEqual(['from-cli']);
  });

  (awsSubscribes ? it : it.skip)('streams events to aws kinesis subscribe-to-shard', async () => {
    const consumerArn = await activeConsumer(client, 'cli', 'cli-reader');
    await client.send(
      new PutRecordCommand({ StreamName: 'cli', PartitionKey: 'k', Data: Buffer.from('cli') }),
    );
    const { code, out } = await run('aws', [
      'kinesis',
      'subscribe-to-shard',
      '--consumer-arn',
      consumerArn,
      '--shard-id',
      SHARD,
      '--starting-position',
      'Type=TRIM_HORIZON',
      '--endpoint-url',
      local.endpoint,
      '--output',
      'json',
    ]);
    expect(code).toBe(0);
    expect(out).toContain(Buffer.from('cli').toString('base64'));
  });
});
