// AWS lets a stream switch its capacity mode twice in any 24 hours; the local Kinesis took any
// number of switches.
import {
  LimitExceededException,
  UpdateStreamModeCommand,
  type KinesisClient,
  type StreamMode,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const ARN_PREFIX = 'arn:aws:kinesis:us-east-1:000000000000:stream/';
const HOUR_MS = 60 * 60 * 1000;

let now = 1_000_000_000;
let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({
    clock: () => now,
    streamStatusDelayMs: 20,
    streams: { switched: 1, other: 1 },
  });
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

async function switchTo(streamName: string, mode: StreamMode): Promise<void> {
  await client.send(
    new UpdateStreamModeCommand({
      StreamARN: `${ARN_PREFIX}${streamName}`,
      StreamModeDetails: { StreamMode: mode },
    }),
  );
  await untilActive(client, streamName);
}

it('refuses a third capacity mode switch within 24 hours, per stream', async () => {
  await switchTo('switched', 'ON_DEMAND');
  now += HOUR_MS;
  await switchTo('switched', 'PROVISIONED');
  now += HOUR_MS;
  const third = await switchTo('switched', 'ON_DEMAND').catch((error: unknown) => error);
  expect(third).toBeInstanceOf(LimitExceededException);
  expect((third as Error).message).toContain('Stream switched under account 000000000000');
  // Another stream has switches of its own.
  await switchTo('other', 'ON_DEMAND');
  // 24 hours after the first switch, one more is allowed; then the second's 24 hours must pass.
  now += 22 * HOUR_MS;
  await switchTo('switched', 'ON_DEMAND');
  await expect(switchTo('switched', 'PROVISIONED')).rejects.toBeInstanceOf(LimitExceededException);
  now += HOUR_MS;
  await switchTo('switched', 'PROVISIONED');
});
