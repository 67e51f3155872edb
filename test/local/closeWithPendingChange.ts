/**
 * Run in a child process by closeLeavesNothing.test.ts: starts the local Kinesis with a long
 * stream status delay, leaves one kind of change pending (argv[2]), closes it and then does
 * nothing, so that the process ends only if nothing of the local Kinesis is left behind.
 * Prints one line per step ("ready", "closed <ms close() took>").
 */
import { request } from 'node:http';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';

const STATUS_DELAY_MS = Number(process.env.STATUS_DELAY_MS ?? 20_000);

/**
 * Sends a request and resolves once the server (in this process) has surely read it: the request
 * was written whole, and a timer fires only after the event loop has polled for I/O.
 */
function heldRequest(endpoint: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
      },
    });
    req.on('error', () => undefined);
    req.once('finish', () => setTimeout(resolve, 500));
    req.end('{}');
  });
}

async function main(kind: string): Promise<void> {
  const local = await startLocalKinesis({
    streamStatusDelayMs: STATUS_DELAY_MS,
    ...(kind === 'InjectedLatency' ? { faults: { latencyMs: STATUS_DELAY_MS } } : {}),
    ...(kind === 'SubscribeToShard' ? { efo: { consumerStatusDelayMs: 0 } } : {}),
  });
  const client = local.createClient();
  // Kinds that change an existing stream first wait for one to become ACTIVE (the whole delay).
  const active = async (shards: number): Promise<string> => {
    await local.createStream('active', shards);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'active' }));
    return summary.StreamDescriptionSummary!.StreamARN!;
  };
  switch (kind) {
    case 'CreateStream':
      await client.send(new CreateStreamCommand({ StreamName: 'created', ShardCount: 2 }));
      break;
    case 'DeleteStream':
      // A stream is deleted once ACTIVE (one still CREATING is refused, as on AWS); a pending
      // creation is the CreateStream kind.
      await active(1);
      await client.send(new DeleteStreamCommand({ StreamName: 'active' }));
      break;
    case 'SplitShard':
      await active(1);
      await client.send(
        new SplitShardCommand({
          StreamName: 'active',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: (2n ** 127n).toString(),
        }),
      );
      break;
    case 'MergeShards':
      await active(2);
      await client.send(
        new MergeShardsCommand({
          StreamName: 'active',
          ShardToMerge: 'shardId-000000000000',
          AdjacentShardToMerge: 'shardId-000000000001',
        }),
      );
      break;
    case 'UpdateShardCount':
      await active(1);
      await client.send(
        new UpdateShardCountCommand({
          StreamName: 'active',
          TargetShardCount: 2,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      break;
    case 'UpdateStreamModeAndConsumer': {
      const arn = await active(1);
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'c' }));
      await client.send(
        new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      );
      break;
    }
    case 'LocalCreateStream':
      // local.createStream() still waiting for ACTIVE when the server closes: it fails then.
      local.createStream('waited', 1).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      break;
    case 'InjectedLatency':
      // A request held by the injected latency (its answer never comes: the server closes).
      await heldRequest(local.endpoint);
      break;
    case 'SubscribeToShard': {
      // An open subscription (5 minutes' lifetime), its first event read.
      const arn = await active(1);
      const registered = await client.send(
        new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'reader' }),
      );
      const subscribed = await client.send(
        new SubscribeToShardCommand({
          ConsumerARN: registered.Consumer!.ConsumerARN!,
          ShardId: 'shardId-000000000000',
          StartingPosition: { Type: 'LATEST' },
        }),
      );
      const events = subscribed.EventStream![Symbol.asyncIterator]();
      await events.next();
      events.next().catch(() => undefined);
      break;
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
  process.stdout.write('ready\n');
  const closing = Date.now();
  await local.close();
  // The application's own client goes after (its connections were dropped by the server).
  client.destroy();
  process.stdout.write(`closed ${Date.now() - closing}\n`);
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
