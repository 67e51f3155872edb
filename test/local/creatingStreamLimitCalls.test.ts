import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  LimitExceededException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { CreatingStreamLimit, type CreatingStreamClaim } from '../../src/local/CreatingStreamLimit.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const STREAMS = 30;

/** The names of the commands the client sends, in order. */
function commandsSent(client: KinesisClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize' },
  );
  return sent;
}

/** Releases a passed claim as if the backing store had created the stream. */
function releaseCreated(claim: CreatingStreamClaim): void {
  if ('refusal' in claim) throw new Error(claim.refusal.message);
  (claim.release as (answer: Promise<{ status: number }>) => void)(Promise.resolve({ status: 200 }));
}

describe('local Kinesis limit on streams CREATING at once: what a check asks the backing store', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    const streams = Object.fromEntries(Array.from({ length: STREAMS }, (_, i) => [`held-${i}`, 1]));
    local = await startLocalKinesis({ streams, streamStatusDelayMs: 0 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('asks about the stream named and the streams created since, not every stream of the account', async () => {
    const sent = commandsSent(client);
    const limit = new CreatingStreamLimit(client, 5);
    releaseCreated(await limit.claim('fresh-0'));
    // A check of 30 ACTIVE streams, one by one, would be 31 calls or more, each CreateStream.
    expect(sent).toEqual(['DescribeStreamSummaryCommand']);
    await client.send(new CreateStreamCommand({ StreamName: 'fresh-0', ShardCount: 1 }));
    sent.length = 0;
    releaseCreated(await limit.claim('fresh-1'));
    expect(sent).toEqual(['DescribeStreamSummaryCommand', 'DescribeStreamSummaryCommand']);
  });
});

describe('local Kinesis limit on streams CREATING at once: streams created by the helpers', () => {
  it('counts the streams createStream() is still waiting for', async () => {
    const local = await startLocalKinesis({
      limits: { controlPlaneCallsPerSecond: { CreateStream: false, DescribeStreamSummary: false } },
      // CREATING for 30 s: the checks below fit in it however loaded the machine.
      streamStatusDelayMs: 30_000,
    });
    const client = local.createClient();
    try {
      const names = Array.from({ length: 5 }, (_, i) => `helper-${i}`);
      const helpers = Promise.all(names.map((name) => local.createStream(name, 1)));
      // Until the five exist (CREATING, the helpers waiting for them).
      for (let found = 0; found < names.length;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const answers = await Promise.allSettled(
          names.map((name) => client.send(new DescribeStreamSummaryCommand({ StreamName: name }))),
        );
        found = answers.filter((answer) => answer.status === 'fulfilled').length;
      }
      await expect(
        client.send(new CreateStreamCommand({ StreamName: 'sixth', ShardCount: 1 })),
      ).rejects.toBeInstanceOf(LimitExceededException);
      await helpers;
      await expect(
        client.send(new CreateStreamCommand({ StreamName: 'sixth', ShardCount: 1 })),
      ).resolves.toBeDefined();
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
