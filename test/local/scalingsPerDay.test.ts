import { LimitExceededException, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { LocalKinesisLimits } from '../../src/local/LocalKinesisLimits.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const ACCOUNT = '000000000000';
const HOUR_MS = 60 * 60 * 1000;

/** The status polls between scalings are not held to a rate (the test's clock stands still). */
const UNTHROTTLED_POLLS: LocalKinesisLimits['controlPlaneCallsPerSecond'] = {
  DescribeStreamSummary: false,
};

/**
 * The Kinesis API reference (UpdateShardCount): by default a stream cannot be scaled more than
 * ten times per rolling 24-hour period (LimitExceededException). With `limits` on, the local
 * Kinesis holds each stream to it on its `clock` (`limits.updateShardCountsPerDay`).
 */
describe('local Kinesis UpdateShardCount scalings per rolling 24 hours (limits on)', () => {
  let now = 1_000_000;

  async function withLocal(
    limits: LocalKinesisLimits | undefined,
    run: (client: KinesisClient) => Promise<void>,
  ): Promise<void> {
    const local: LocalKinesis = await startLocalKinesis({
      ...(limits === undefined ? {} : { limits }),
      clock: () => now,
      streamStatusDelayMs: 0,
      streams: { scaled: 1, other: 1 },
    });
    const client = local.createClient();
    shards.clear();
    try {
      await run(client);
    } finally {
      client.destroy();
      await local.close();
    }
  }

  /** Open shards of each stream scaled (each starts with 1). */
  const shards = new Map<string, number>();

  /**
   * Scales the stream between 1 and 2 shards, waiting for each to end, an hour apart; the
   * outcome of each.
   */
  async function scale(client: KinesisClient, streamName: string, times: number): Promise<string[]> {
    const ended: string[] = [];
    for (let i = 0; i < times; i += 1) {
      const target = (shards.get(streamName) ?? 1) === 1 ? 2 : 1;
      try {
        await client.send(
          new UpdateShardCountCommand({
            StreamName: streamName,
            TargetShardCount: target,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
        ended.push('ok');
        shards.set(streamName, target);
        await untilActive(client, streamName);
      } catch (error) {
        ended.push((error as Error).name);
      }
      now += HOUR_MS;
    }
    return ended;
  }

  it('refuses an eleventh scaling of a stream within 24 hours, and takes it once the first is a day old', async () => {
    await withLocal({ controlPlaneCallsPerSecond: UNTHROTTLED_POLLS }, async (client) => {
      now = 1_000_000;
      expect(await scale(client, 'scaled', 10)).toEqual(Array.from({ length: 10 }, () => 'ok'));
      // 10 hours after the first scaling: one more is refused.
      await expect(
        client.send(
          new UpdateShardCountCommand({
            StreamName: 'scaled',
            TargetShardCount: 2,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
      ).rejects.toThrow(
        new LimitExceededException({
          message:
            `UpdateShardCount failed for stream scaled under account ${ACCOUNT}. ` +
            'Cannot scale more than 10 times in a rolling 24-hour period.',
          $metadata: {},
        }),
      );
      // Another stream has its own count.
      expect(await scale(client, 'other', 1)).toEqual(['ok']);
      // 24 hours after the first scaling, it is out of the window.
      now = 1_000_000 + 24 * HOUR_MS + 1;
      expect(await scale(client, 'scaled', 1)).toEqual(['ok']);
      // ... and the ten since its second fill the window again.
      now = 1_000_000 + 24 * HOUR_MS + 2;
      expect(await scale(client, 'scaled', 1)).toEqual(['LimitExceededException']);
    });
  });

  it('follows limits.updateShardCountsPerDay, and holds nothing without limits', async () => {
    now = 5_000_000;
    await withLocal(
      { updateShardCountsPerDay: 2, controlPlaneCallsPerSecond: UNTHROTTLED_POLLS },
      async (client) => {
        expect(await scale(client, 'scaled', 3)).toEqual(['ok', 'ok', 'LimitExceededException']);
      },
    );
    now = 5_000_000;
    await withLocal(undefined, async (client) => {
      expect(await scale(client, 'scaled', 11)).toEqual(Array.from({ length: 11 }, () => 'ok'));
    });
  });
});
