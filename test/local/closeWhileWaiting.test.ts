import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { LocalKinesisClosedError } from '../../src/local/errors/LocalKinesisClosedError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

/** Far longer than any test may take: a helper waiting for a status change waits for ever. */
const STATUS_DELAY_MS = 60_000;
/** How long close() may take on a loaded machine: far below the status delay. */
const CLOSE_LIMIT_MS = 15_000;

/** How a helper call ended, and whether it had ended when close() resolved. */
interface Outcome {
  readonly error: unknown;
  readonly settledBeforeCloseResolved: boolean;
  readonly closeMs: number;
}

/** Polls (bounded) until the stream is in `status`: the helper is then in its waiting loop. */
async function untilStatus(client: KinesisClient, streamName: string, status: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (summary.StreamDescriptionSummary?.StreamStatus === status) return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`stream ${streamName} never became ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Closes the local Kinesis while `pending` still waits; tells how `pending` ended. */
async function closeWhile(local: LocalKinesis, pending: Promise<void>): Promise<Outcome> {
  let settled = false;
  const ended = pending.then(
    () => {
      settled = true;
      return undefined as unknown;
    },
    (error: unknown) => {
      settled = true;
      return error;
    },
  );
  const started = Date.now();
  await local.close();
  const closeMs = Date.now() - started;
  const settledBeforeCloseResolved = settled;
  return { error: await ended, settledBeforeCloseResolved, closeMs };
}

describe('LocalKinesis helpers cut short by close()', () => {
  let local: LocalKinesis | undefined;
  let client: KinesisClient | undefined;

  beforeEach(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: STATUS_DELAY_MS });
    client = local.createClient();
  });

  afterEach(async () => {
    client?.destroy();
    await local?.close();
  });

  it('createStream() still waiting for ACTIVE fails with LocalKinesisClosedError by the time close() resolves', async () => {
    const pending = local!.createStream('waited', 1);
    await untilStatus(client!, 'waited', 'CREATING');
    const outcome = await closeWhile(local!, pending);

    expect(outcome.error).toBeInstanceOf(LocalKinesisClosedError);
    expect(outcome.error).toBeInstanceOf(RxjsKinesisError);
    const error = outcome.error as LocalKinesisClosedError;
    expect({
      name: error.name,
      operation: error.operation,
      retriable: error.retriable,
      context: error.context,
      message: error.message,
    }).toEqual({
      name: 'LocalKinesisClosedError',
      operation: 'createStream',
      retriable: false,
      context: { streamName: 'waited' },
      message: 'The local Kinesis was closed: createStream("waited") cannot complete',
    });
    // close() waits for the helper it cut short, and neither waits for the status delay.
    expect(outcome.settledBeforeCloseResolved).toBe(true);
    expect(outcome.closeMs).toBeLessThan(CLOSE_LIMIT_MS);
  });

  it('deleteStream() still waiting for the stream to go fails with LocalKinesisClosedError', async () => {
    // Created (CREATING for the whole delay) and deleted at once: DELETING for the whole delay.
    await client!.send(new CreateStreamCommand({ StreamName: 'doomed', ShardCount: 1 }));
    const pending = local!.deleteStream('doomed');
    await untilStatus(client!, 'doomed', 'DELETING');
    const outcome = await closeWhile(local!, pending);

    expect(outcome.error).toBeInstanceOf(LocalKinesisClosedError);
    const error = outcome.error as LocalKinesisClosedError;
    expect([error.operation, error.retriable, error.context.streamName]).toEqual([
      'deleteStream',
      false,
      'doomed',
    ]);
    expect(outcome.settledBeforeCloseResolved).toBe(true);
    expect(outcome.closeMs).toBeLessThan(CLOSE_LIMIT_MS);
  });

  it('createStream() and deleteStream() called after close() fail with LocalKinesisClosedError', async () => {
    await local!.close();
    const created = await local!.createStream('late', 1).catch((error: unknown) => error);
    const deleted = await local!.deleteStream('late').catch((error: unknown) => error);
    expect(created).toBeInstanceOf(LocalKinesisClosedError);
    expect(deleted).toBeInstanceOf(LocalKinesisClosedError);
    expect([
      (created as LocalKinesisClosedError).operation,
      (deleted as LocalKinesisClosedError).operation,
    ]).toEqual(['createStream', 'deleteStream']);
    // Invalid arguments are still reported as such, closed or not.
    await expect(local!.createStream('bad name', 1)).rejects.toThrow(/Invalid option "name"/);
  });
});
