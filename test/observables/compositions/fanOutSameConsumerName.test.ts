// Two consumer groups that read as the same stream consumer (same consumerName, separate
// checkpointers), against the embedded local Kinesis with its SubscribeToShard rules: a second
// subscription within 5 s is refused (ResourceInUseException), one later takes the first over.
// The newcomer takes the shard over (as it must, to end a previous owner's stale subscription);
// the group taken over fails with SubscriptionTakenOverError instead of taking it back, so the two
// never read the shard in turn.
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { SubscriptionTakenOverError } from '../../../src/consumer/errors/SubscriptionTakenOverError.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from '../../consumer/fanOut/fanOutSupport.js';

jest.setTimeout(120_000);

let kinesis: LocalKinesis;

beforeAll(async () => {
  kinesis = await startFanOutKinesis({ limits: true, efo: { takeoverAfterMs: 1500 } });
});

afterAll(async () => {
  await kinesis.close();
});

test('two groups as one stream consumer: never both read the shard', async () => {
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-same-name');
  await kinesis.createStream(streamName, 1);
  const a = fromKinesis(
    fanOutOptions(kinesis, streamName, 'same', { checkpointer: new MemoryCheckpointer() }),
  );
  const b = fromKinesis(
    fanOutOptions(kinesis, streamName, 'same', { checkpointer: new MemoryCheckpointer() }),
  );
  const byA: string[] = [];
  const byB: string[] = [];
  const errorsA: unknown[] = [];
  const errorsB: unknown[] = [];
  let byAWhenFailed: string[] = [];
  const subscriptions: Subscription[] = [
    a.pipe(checkpoint()).subscribe({
      next: (r) => byA.push(text(r)),
      error: (e) => {
        errorsA.push(e);
        byAWhenFailed = [...byA];
      },
    }),
  ];
  try {
    await putRecords(client, streamName, numbers(5));
    await waitFor(() => byA.length === 5, { timeoutMs: 30_000, message: () => `A read ${byA.length}` });
    subscriptions.push(
      b.pipe(checkpoint()).subscribe({ next: (r) => byB.push(text(r)), error: (e) => errorsB.push(e) }),
    );
    // Past several take-over windows, writing all along.
    for (let i = 1; i <= 16; i += 1) {
      await putRecords(client, streamName, numbers(5, i * 5));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(errorsA).toHaveLength(1);
    expect(errorsA[0]).toBeInstanceOf(SubscriptionTakenOverError);
    expect(errorsA[0]).toMatchObject({ retriable: false, context: { streamName } });
    expect(errorsB).toEqual([]);
    // A read nothing after it was taken over; B reads everything (its own checkpoints).
    expect(byA).toEqual(byAWhenFailed);
    await waitFor(() => byB.length === 85, { timeoutMs: 30_000, message: () => `B read ${byB.length}` });
    expect(byB).toEqual(numbers(85));
  } finally {
    for (const s of subscriptions) s.unsubscribe();
    await Promise.all([a.stopped(), b.stopped()]);
    client.destroy();
  }
});
