// A stream deleted through the front is watched until it is gone, then its budgets, registered
// consumers and subscriptions are dropped. A poll answered "not found" just before a stream of the
// same name was created again, and read after, dropped the new stream's instead. Here that poll's
// answer is held (the real answer of the local Kinesis, let through late) until the new stream
// was created.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { StreamBookkeeping } from '../../src/local/StreamBookkeeping.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { waitFor } from '../support/streamRecords.js';

jest.setTimeout(60_000);

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis();
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

/** `client`, with the answers of DescribeStreamSummary held from hold() to release(). */
function holdingClient(): { admin: KinesisClient; hold(): void; release(): void; heldCount(): number } {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let count = 0;
  const admin = {
    send: async (command: unknown) => {
      const outcome = await client.send(command as DescribeStreamSummaryCommand).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      // The answer came; it is read once the gate opens.
      if (command instanceof DescribeStreamSummaryCommand && gate !== undefined) {
        count += 1;
        await gate;
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
  } as unknown as KinesisClient;
  return {
    admin,
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open?.();
    },
    heldCount: () => count,
  };
}

function bookkeeping(admin: KinesisClient, forgotten: string[]): StreamBookkeeping {
  const nothing = () => undefined;
  const parts = {
    admin,
    shardMaps: { invalidate: nothing },
    operations: { isUpdating: () => false },
    modes: { record: nothing, isUpdating: () => false, modeOf: () => 'PROVISIONED' },
    retention: { forget: nothing, hoursOf: nothing },
    monitoring: { forget: nothing, metricsOf: () => [] },
    encryption: { forget: nothing, isUpdating: () => false, factsOf: () => ({ encryptionType: 'NONE' }) },
    creationTags: { hold: () => false, apply: async () => undefined, isPending: () => false },
    tags: { forgetStream: nothing },
    policies: { forgetStream: nothing },
    perStream: [{ forgetStream: (streamName: string) => forgotten.push(streamName) }],
    consumerCount: () => 0,
  };
  return new StreamBookkeeping(parts as unknown as ConstructorParameters<typeof StreamBookkeeping>[0]);
}

const ok = { status: 200 } as never;

it('keeps a re-created stream’s budgets when the deletion’s last poll is read after the creation', async () => {
  const name = uniqueStreamName('recreated');
  await local.createStream(name, 1);
  const holding = holdingClient();
  const forgotten: string[] = [];
  const books = bookkeeping(holding.admin, forgotten);
  try {
    await client.send(new DeleteStreamCommand({ StreamName: name }));
    await waitFor(
      async () =>
        client.send(new DescribeStreamSummaryCommand({ StreamName: name })).then(
          () => false,
          () => true,
        ),
      { timeoutMs: 30_000, message: () => `${name} still there` },
    );
    // The deletion forwarded: its budgets dropped at once, and watched until the stream is gone.
    holding.hold();
    books.afterForwarded('DeleteStream', name, {}, undefined, ok);
    expect(forgotten).toEqual([name]);
    // Its poll is answered "not found"; the answer is read only after the stream is created again.
    await waitFor(() => holding.heldCount() === 1, { timeoutMs: 30_000, message: () => 'no poll' });
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    books.afterForwarded('CreateStream', name, {}, undefined, ok);
    expect(forgotten).toEqual([name, name]);
    holding.release();
  } finally {
    holding.release();
    await books.close();
  }
  // Nothing of the new stream was dropped by the deletion's watch.
  expect(forgotten).toEqual([name, name]);
});

it('drops a deleted stream’s budgets once it is gone', async () => {
  const name = uniqueStreamName('deleted');
  await local.createStream(name, 1);
  const forgotten: string[] = [];
  const books = bookkeeping(client, forgotten);
  try {
    await client.send(new DeleteStreamCommand({ StreamName: name }));
    books.afterForwarded('DeleteStream', name, {}, undefined, ok);
    await waitFor(() => forgotten.length === 2, {
      timeoutMs: 30_000,
      message: () => `forgotten ${forgotten.length} times`,
    });
  } finally {
    await books.close();
  }
  expect(forgotten).toEqual([name, name]);
});
