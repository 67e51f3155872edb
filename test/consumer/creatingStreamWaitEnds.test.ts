// The end of a consumer's wait for a stream that stays CREATING: after its fixed 120 s (on the
// consumer's scheduler, moved ahead here) the consumer fails with StreamNotActiveError naming the
// status it last saw, not before, and stopped() ends; nothing is left waiting.
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { Subscription } from 'rxjs';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { FastForwardScheduler } from '../support/fastForwardScheduler.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(120_000);

let local: LocalKinesis;
beforeAll(async () => {
  // CREATING for 60 s of real time: longer than the wait below takes (its 120 s are moved ahead).
  local = await startLocalKinesis({ streamStatusDelayMs: 60_000 });
});
afterAll(() => local.close());

it('fails with StreamNotActiveError once its 120 s are up, not before', async () => {
  const streamName = uniqueStreamName('stays-creating');
  const client = local.createClient();
  const subscriptions = new Subscription();
  const scheduler = new FastForwardScheduler();
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const infos: string[] = [];
    const ignore = () => undefined;
    const consumer = fromKinesis({
      streamName,
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      retryLimit: 1,
      scheduler,
      logger: { debug: ignore, info: (line: string) => void infos.push(line), warn: ignore, error: ignore },
    });
    let failure: unknown;
    subscriptions.add(consumer.subscribe({ error: (error: unknown) => (failure = error) }));
    const deadline = Date.now() + 60_000;
    while (!infos.some((line) => line.includes('waiting for the stream to become ACTIVE'))) {
      if (Date.now() > deadline) throw new Error(`the consumer did not start waiting: ${infos.join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await scheduler.advance(110_000);
    expect(failure).toBeUndefined();
    await scheduler.advance(15_000);
    const until = Date.now() + 30_000;
    while (failure === undefined && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failure).toBeInstanceOf(StreamNotActiveError);
    expect((failure as StreamNotActiveError).status).toBe('CREATING');
    expect((failure as Error).message).toContain(streamName);
    await consumer.stopped();
  } finally {
    subscriptions.unsubscribe();
    client.destroy();
  }
});
