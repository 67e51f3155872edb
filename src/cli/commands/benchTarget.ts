import { randomBytes } from 'node:crypto';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { redactText } from '../../errors/redact.js';
import { createKinesisClient } from '../../kinesis/createKinesisClient.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../local/startLocalKinesis.js';
import { describeEndpoint } from '../../producer/describeEndpoint.js';
import { checkReachable } from '../checkReachable.js';
import { cliConnection } from '../cliConnection.js';

/** The flags of `rxjs-kinesis bench` that choose where it writes. */
export interface BenchTargetFlags {
  readonly shards: number;
  readonly endpoint?: string;
  readonly region?: string;
  readonly limits: boolean;
}

/** Where the benchmark writes: the embedded Kinesis, or a stream it created on an endpoint/region. */
export interface BenchTarget {
  readonly description: string;
  readonly client: KinesisClient;
  readonly streamName: string;
  cleanUp(): Promise<void>;
}

/**
 * Creates the benchmark's own stream: on the embedded Kinesis (started here) unless an endpoint or
 * region is given, else on that endpoint or region. cleanUp() deletes it (or stops the server).
 */
export async function openTarget(flags: BenchTargetFlags, log: (text: string) => void): Promise<BenchTarget> {
  const streamName = `rxjs-kinesis-bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  if (flags.endpoint === undefined && flags.region === undefined) {
    log(`starting the embedded Kinesis (limits ${flags.limits ? 'on' : 'off'})`);
    const local: LocalKinesis = await startLocalKinesis({ limits: flags.limits });
    try {
      await local.createStream(streamName, flags.shards);
    } catch (error) {
      await local.close();
      throw error;
    }
    const client = local.createClient();
    return {
      description: `the embedded Kinesis${flags.limits ? ' with limits on' : ' without limits'}`,
      client,
      streamName,
      async cleanUp() {
        client.destroy();
        await local.close();
      },
    };
  }
  const connection = cliConnection(flags);
  if (connection.notice !== undefined) log(connection.notice.trimEnd());
  const client = createKinesisClient({ ...connection.options, maxAttempts: 3 });
  const address = parseStreamAddress(streamName);
  try {
    // An endpoint that refuses, or accepts and stays silent, is named within seconds, as put,
    // tail and demo name it (not after the retries of a CreateStream).
    await checkReachable(
      client,
      address,
      describeEndpoint(connection.options.endpoint, connection.options.region ?? address.region),
    );
    log(`creating stream ${streamName}`);
    await ensureStream(client, address, { create: true, shardCount: flags.shards });
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    description:
      flags.endpoint !== undefined
        ? redactText(flags.endpoint)
        : `Kinesis in ${flags.region ?? 'the default region'}`,
    client,
    streamName,
    async cleanUp() {
      try {
        await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }));
      } finally {
        client.destroy();
      }
    },
  };
}
