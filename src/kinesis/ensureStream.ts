import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type CreateStreamCommandInput,
  type KinesisClient,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { raceWithAbort, throwIfAborted } from './abortSignal.js';
import type { ErrorContext, RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { callWithin } from './callWithin.js';
import { classifyError } from './classifyError.js';
import { ConnectionError } from './errors/ConnectionError.js';
import { StreamNotActiveError } from './errors/StreamNotActiveError.js';
import { StreamNotFoundError } from './errors/StreamNotFoundError.js';
import { MAX_CREATE_SHARD_COUNT } from './limits.js';
import { sleep as realSleep } from './sleep.js';
import { startRealTimer, type StartTimer } from './startTimer.js';
import { streamParams, type StreamAddress } from './streamAddress.js';

export interface EnsureStreamOptions {
  /** Create the stream when it does not exist (default false: throw StreamNotFoundError). */
  readonly create?: boolean;
  /** Shards of a created provisioned stream: an integer from 1 to 10000 (default 1). */
  readonly shardCount?: number;
  /** Create the stream in ON_DEMAND capacity mode instead (shardCount must then be left out). */
  readonly onDemand?: boolean;
  /** How long to wait for the stream to become usable, in ms (default 120000; Infinity: for good). */
  readonly timeoutMs?: number;
  /**
   * When the wait began, on `now` (default: the call's start). A caller resuming a wait (after
   * connection failures) gives its first start: `timeoutMs` counts from there and the error names
   * the whole wait; a wait already over still looks (and creates) once before it fails.
   */
  readonly waitSince?: number;
  /**
   * How long, in ms, connection failures (refused, DNS, TLS, resets, timeouts) may go on with no
   * answer from Kinesis before ensureStream fails with a ConnectionError naming the cause, instead
   * of waiting out `timeoutMs`. Any answer starts the count again. Default 20000; Infinity waits
   * out `timeoutMs`.
   */
  readonly connectionFailureTimeoutMs?: number;
  /** Time between status checks, in ms (default 1000). */
  readonly pollIntervalMs?: number;
  /**
   * A deadline for each call (DescribeStreamSummary, CreateStream), in ms: a call with no answer
   * by then is aborted and fails with a retriable RequestTimeoutError, a connection failure like
   * any other (see `connectionFailureTimeoutMs`). For a client whose request handler has no
   * deadline of its own: the SDK's default handler waits for an answer for ever. Default: none.
   */
  readonly callTimeoutMs?: number;
  /**
   * Starts a timer: calls `fire` after `ms` unless the returned function is called first. Times
   * `callTimeoutMs`, and the waits between status checks when no `sleep` is given. Default:
   * setTimeout.
   */
  readonly startTimer?: StartTimer;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock for the timeout, in ms (default Date.now). */
  readonly now?: () => number;
  readonly abortSignal?: AbortSignal;
}

export interface StreamSummary {
  readonly streamName: string;
  readonly streamArn: string;
  readonly status: string;
  readonly openShardCount: number;
  readonly onDemand: boolean;
}

export const DEFAULT_ENSURE_STREAM_TIMEOUT_MS = 120_000;
export const DEFAULT_ENSURE_STREAM_POLL_INTERVAL_MS = 1000;
export const DEFAULT_ENSURE_STREAM_CONNECTION_FAILURE_TIMEOUT_MS = 20_000;

interface ResolvedOptions {
  readonly create: boolean;
  readonly createInput: Omit<CreateStreamCommandInput, 'StreamName'>;
  readonly timeoutMs: number;
  readonly waitSince: number | undefined;
  readonly pollIntervalMs: number;
  readonly connectionFailureTimeoutMs: number;
  readonly callTimeoutMs: number | undefined;
  readonly startTimer: StartTimer;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly abortSignal: AbortSignal | undefined;
}

function positiveMs(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'expected a finite number of milliseconds > 0');
  }
  return value;
}

/** How long to wait for the stream: > 0, or Infinity to wait for good. */
function waitMs(value: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError('timeoutMs', value, 'expected a number of milliseconds > 0, or Infinity');
  }
  return value;
}

function waitSince(value: number | undefined): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new InvalidOptionError('waitSince', value, 'expected a time in milliseconds on the `now` clock');
  }
  return value;
}

function connectionFailureTimeout(value: number | undefined): number {
  if (value === undefined) return DEFAULT_ENSURE_STREAM_CONNECTION_FAILURE_TIMEOUT_MS;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(
      'connectionFailureTimeoutMs',
      value,
      'expected a number of milliseconds >= 0, or Infinity',
    );
  }
  return value;
}

function optionalBoolean(option: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidOptionError(option, value, 'expected true or false');
  }
  return value === true;
}

function optionalFunction<F>(option: string, value: F | undefined, fallback: F): F {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(option, value, 'expected a function');
  }
  return value ?? fallback;
}

function resolveOptions(options: EnsureStreamOptions): ResolvedOptions {
  const startTimer = optionalFunction<StartTimer>('startTimer', options.startTimer, startRealTimer);
  const create = optionalBoolean('create', options.create);
  const onDemand = optionalBoolean('onDemand', options.onDemand);
  const { shardCount } = options;
  if (onDemand && shardCount !== undefined) {
    throw new InvalidOptionError('shardCount', shardCount, 'leave shardCount out when onDemand is true');
  }
  if (
    shardCount !== undefined &&
    (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_CREATE_SHARD_COUNT)
  ) {
    throw new InvalidOptionError(
      'shardCount',
      shardCount,
      `expected an integer from 1 to ${MAX_CREATE_SHARD_COUNT}`,
    );
  }
  return {
    create,
    createInput: onDemand
      ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
      : { ShardCount: shardCount ?? 1 },
    timeoutMs: waitMs(options.timeoutMs ?? DEFAULT_ENSURE_STREAM_TIMEOUT_MS),
    waitSince: waitSince(options.waitSince),
    pollIntervalMs: positiveMs(
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_ENSURE_STREAM_POLL_INTERVAL_MS,
    ),
    connectionFailureTimeoutMs: connectionFailureTimeout(options.connectionFailureTimeoutMs),
    callTimeoutMs:
      options.callTimeoutMs === undefined ? undefined : positiveMs('callTimeoutMs', options.callTimeoutMs),
    startTimer,
    sleep: optionalFunction('sleep', options.sleep, (ms: number) =>
      realSleep(ms, options.abortSignal, startTimer),
    ),
    now: optionalFunction('now', options.now, Date.now),
    abortSignal: options.abortSignal,
  };
}

function toSummary(address: StreamAddress, description: StreamDescriptionSummary): StreamSummary {
  return {
    streamName: description.StreamName ?? address.streamName,
    streamArn: description.StreamARN ?? address.streamArn ?? '',
    status: description.StreamStatus ?? 'UNKNOWN',
    openShardCount: description.OpenShardCount ?? 0,
    onDemand: description.StreamModeDetails?.StreamMode === 'ON_DEMAND',
  };
}

/** ACTIVE streams serve every call; UPDATING ones (resharding, mode change) still read and write. */
function isUsable(status: string): boolean {
  return status === 'ACTIVE' || status === 'UPDATING';
}

/**
 * Makes sure the stream exists and can be read and written, and describes it.
 *
 * Looks the stream up with DescribeStreamSummary. A missing stream is created when `create` is
 * set (a concurrent creator's ResourceInUseException is fine), else StreamNotFoundError is thrown.
 * Then it polls until the stream is ACTIVE or UPDATING; CREATING is waited for, and with `create`
 * a DELETING stream is waited out and created again. Throttling and other retriable errors are
 * retried at each poll. When `timeoutMs` runs out, StreamNotActiveError names the last status.
 * Connection failures with no answer at all for `connectionFailureTimeoutMs` end it sooner, with
 * the last ConnectionError (its message names the cause: ECONNREFUSED, ENOTFOUND, TLS...).
 * CreateStream takes no ARN: a stream is always created in the caller's own account and region.
 */
export async function ensureStream(
  client: KinesisClient,
  address: StreamAddress,
  options: EnsureStreamOptions = {},
): Promise<StreamSummary> {
  const resolved = resolveOptions(options);
  const { abortSignal, now } = resolved;
  const context = { streamName: address.streamName };
  const call = caller(resolved, context);
  const deadline = (resolved.waitSince ?? now()) + resolved.timeoutMs;
  let lastStatus: string | undefined;
  let lastError: unknown;
  // When the current run of connection failures (no answer at all) began.
  let failingSince: number | undefined;
  const noteOutcome = (error: RxjsKinesisError | undefined): void => {
    if (!(error instanceof ConnectionError)) {
      failingSince = undefined;
      return;
    }
    failingSince ??= now();
    if (now() - failingSince >= resolved.connectionFailureTimeoutMs) throw error;
  };

  for (;;) {
    throwIfAborted(abortSignal, context);
    let summary: StreamSummary | undefined;
    let missing = false;
    try {
      const output = await call('DescribeStreamSummary', (abortSignal) =>
        client.send(new DescribeStreamSummaryCommand(streamParams(address)), { abortSignal }),
      );
      if (output.StreamDescriptionSummary === undefined) {
        throw new StreamNotActiveError('DescribeStreamSummary returned no description', { context });
      }
      summary = toSummary(address, output.StreamDescriptionSummary);
      noteOutcome(undefined);
    } catch (error) {
      const classified = classifyError(error, context);
      noteOutcome(classified);
      if (classified instanceof StreamNotFoundError) missing = true;
      else if (!classified.retriable) throw classified;
      else lastError = classified;
    }

    if (summary !== undefined) {
      lastStatus = summary.status;
      if (isUsable(summary.status)) return summary;
      if (summary.status === 'DELETING' && !resolved.create) {
        throw new StreamNotActiveError(`Stream ${address.streamName} is being deleted`, {
          status: summary.status,
          retriable: false,
          context,
        });
      }
    } else if (missing) {
      if (!resolved.create) {
        throw new StreamNotFoundError(`Stream ${address.streamName} does not exist`, {
          code: 'ResourceNotFoundException',
          context,
        });
      }
      try {
        await createStream(client, call, address, resolved.createInput, context);
      } catch (error) {
        const classified = classifyError(error, context);
        noteOutcome(classified);
        if (!classified.retriable) throw classified;
        lastError = classified;
      }
    }

    const remaining = deadline - now();
    if (remaining <= 0) {
      const seen = lastStatus === undefined ? 'it was never seen' : `last status ${lastStatus}`;
      throw new StreamNotActiveError(
        `Stream ${address.streamName} did not become ACTIVE within ${resolved.timeoutMs} ms (${seen})`,
        {
          ...(lastStatus === undefined ? {} : { status: lastStatus }),
          ...(lastError === undefined ? {} : { cause: lastError }),
          context,
        },
      );
    }
    await raceWithAbort(resolved.sleep(Math.min(resolved.pollIntervalMs, remaining)), abortSignal, context);
  }
}

/** Makes one call with the abort signal and, if set, the deadline of each call. */
type Call = <R>(api: string, send: (abortSignal: AbortSignal) => Promise<R>) => Promise<R>;

function caller(resolved: ResolvedOptions, context: ErrorContext): Call {
  const { abortSignal, callTimeoutMs, startTimer } = resolved;
  return (api, send) => callWithin(send, { timeoutMs: callTimeoutMs, startTimer, abortSignal, api, context });
}

async function createStream(
  client: KinesisClient,
  call: Call,
  address: StreamAddress,
  input: Omit<CreateStreamCommandInput, 'StreamName'>,
  context: { streamName: string },
): Promise<void> {
  try {
    const command = new CreateStreamCommand({ ...input, StreamName: address.streamName });
    await call('CreateStream', (abortSignal) => client.send(command, { abortSignal }));
  } catch (error) {
    // Someone else created it (or is deleting it): keep polling its status.
    if ((error as { name?: unknown } | null)?.name === 'ResourceInUseException') return;
    throw classifyError(error, context);
  }
}
