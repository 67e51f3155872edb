import {
  CreateStreamCommand,
  LimitExceededException,
  ResourceInUseException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisLimits } from '../../src/local/LocalKinesisLimits.js';
import { untilActive } from './untilActive.js';

const ACCOUNT = '000000000000';

/** The CreateStream rate (5 calls a second per account) is lifted, to see the CREATING limit alone. */
const NO_CREATE_RATE: LocalKinesisLimits = { controlPlaneCallsPerSecond: { CreateStream: false } };

function create(client: KinesisClient, streamName: string): Promise<unknown> {
  return client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
}

/** How each creation ended: 'ok' or the error's name. */
async function creations(client: KinesisClient, names: readonly string[]): Promise<string[]> {
  const settled = await Promise.allSettled(names.map((name) => create(client, name)));
  return settled.map((end) => (end.status === 'fulfilled' ? 'ok' : (end.reason as Error).name));
}

async function withLocal(
  limits: LocalKinesisLimits | undefined,
  statusDelayMs: number,
  run: (client: KinesisClient, local: LocalKinesis) => Promise<void>,
): Promise<void> {
  const local = await startLocalKinesis({
    ...(limits === undefined ? {} : { limits }),
    streamStatusDelayMs: statusDelayMs,
  });
  const client = local.createClient();
  try {
    await run(client, local);
  } finally {
    client.destroy();
    await local.close();
  }
}

/**
 * The Kinesis API reference (CreateStream): a CreateStream that would make more than five streams
 * CREATING at once is refused with LimitExceededException. With `limits` on, the local Kinesis
 * holds the account to it (`limits.maxCreatingStreams`, 5).
 */
describe('local Kinesis streams CREATING at once (limits on)', () => {
  it('refuses a sixth stream while five are CREATING, and takes it once one is ACTIVE', async () => {
    // CREATING for 30 s: the six creations fit in it however loaded the machine.
    await withLocal(NO_CREATE_RATE, 30_000, async (client) => {
      for (let i = 0; i < 5; i += 1) await create(client, `early-${i}`);
      await expect(create(client, 'sixth')).rejects.toThrow(
        new LimitExceededException({
          message: `Account ${ACCOUNT} already has 5 streams in CREATING status; wait until one is ACTIVE.`,
          $metadata: {},
        }),
      );
      await untilActive(client, 'early-0', 60_000);
      await expect(create(client, 'sixth')).resolves.toBeDefined();
    });
  });

  it('lets only five of seven concurrent creations through', async () => {
    await withLocal(NO_CREATE_RATE, 60_000, async (client) => {
      const names = Array.from({ length: 7 }, (_, i) => `together-${i}`);
      const ended = await creations(client, names);
      expect(ended.filter((end) => end === 'ok')).toHaveLength(5);
      expect(ended.filter((end) => end === 'LimitExceededException')).toHaveLength(2);
    });
  });

  it('answers a stream already CREATING ResourceInUseException, not the limit', async () => {
    await withLocal(NO_CREATE_RATE, 60_000, async (client) => {
      for (let i = 0; i < 5; i += 1) await create(client, `held-${i}`);
      await expect(create(client, 'held-0')).rejects.toBeInstanceOf(ResourceInUseException);
    });
  });

  it('takes more without limits, or with limits.maxCreatingStreams raised', async () => {
    for (const limits of [undefined, { ...NO_CREATE_RATE, maxCreatingStreams: 7 }]) {
      await withLocal(limits, 60_000, async (client) => {
        const names = Array.from({ length: 7 }, (_, i) => `many-${i}`);
        expect(await creations(client, names)).toEqual(names.map(() => 'ok'));
      });
    }
  });
});
