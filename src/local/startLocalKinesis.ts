import type { AddressInfo } from 'node:net';
import type { Server } from 'node:net';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { kinesalite } from './loadKinesalite.js';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { createKinesisClient } from '../kinesis/createKinesisClient.js';
import { LocalKinesisClosedError, type LocalKinesisOperation } from './errors/LocalKinesisClosedError.js';
import { LocalKinesisRequestError } from './errors/LocalKinesisRequestError.js';
import { LocalKinesisTimeoutError } from './errors/LocalKinesisTimeoutError.js';
import { LocalShardLimitError } from './errors/LocalShardLimitError.js';
import type { SubscriptionFilter, SubscriptionInfo } from './efo/EnhancedFanOut.js';
import { connectableEndpoint } from './connectableEndpoint.js';
import { listenFailure } from './listenFailure.js';
import { KinesisFrontServer } from './KinesisFrontServer.js';
import { resolveLocalKinesisOptions, type LocalKinesisOptions } from './LocalKinesisOptions.js';
import { emptyLocalKinesisStats, type LocalKinesisStats } from './LocalKinesisStats.js';
import { MAX_LOCAL_SHARDS, validateShardCount, validateStreamName } from './LocalStreamSpec.js';
import { ShardMapCache } from './ShardMapCache.js';

/** A running local Kinesis. */
export interface LocalKinesis {
  /**
   * URL to give the SDK as `endpoint`, e.g. `http://127.0.0.1:4567`. With a `host` that means every
   * interface (`0.0.0.0`, `::`) it names the loopback of that family (`127.0.0.1`, `[::1]`): a
   * wildcard address is not a destination every client can connect to.
   */
  readonly endpoint: string;
  readonly region: string;
  /** Any credentials work; these are the ones `createClient()` uses. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** A new SDK client for this endpoint (HTTP/1.1 handler, no SDK retries). */
  createClient(): KinesisClient;
  /**
   * Creates a stream (bypassing injected faults) and waits until it is ACTIVE. Fails with
   * LocalKinesisClosedError when called after close(), or when close() runs while it waits;
   * LocalShardLimitError when the shards would pass `shardLimit`; LocalKinesisTimeoutError when
   * the stream is not ACTIVE 30 s past `streamStatusDelayMs`; LocalKinesisRequestError (the SDK's
   * error as `cause`) when a request fails, e.g. `ResourceInUseException` for a stream that exists.
   */
  createStream(name: string, shards: number): Promise<void>;
  /**
   * Deletes a stream (bypassing injected faults) and waits until it is gone. Fails with
   * LocalKinesisClosedError when called after close(), or when close() runs while it waits;
   * LocalKinesisTimeoutError when the stream is still there 30 s past `streamStatusDelayMs`;
   * LocalKinesisRequestError when a request fails, e.g. `ResourceNotFoundException`.
   */
  deleteStream(name: string): Promise<void>;
  /** The open SubscribeToShard subscriptions matching `filter` (all when omitted), silent ones too. */
  subscriptions(filter?: SubscriptionFilter): SubscriptionInfo[];
  /**
   * Drops the connection of each SubscribeToShard subscription matching `filter` (all when
   * omitted), as a network failure mid-stream would; returns how many there were.
   */
  dropSubscriptions(filter?: SubscriptionFilter): number;
  /**
   * Makes each matching SubscribeToShard subscription fall silent: it sends no more events and
   * its stream stays open (half-open) until the client gives up; returns how many there were.
   */
  silenceSubscriptions(filter?: SubscriptionFilter): number;
  /** A snapshot of what the limits/fault layer has done. */
  readonly stats: LocalKinesisStats;
  /**
   * Stops the server. Once it resolves nothing of the local Kinesis is left to keep the process
   * alive: stream status changes still pending (CREATING, UPDATING, DELETING) are cancelled, and
   * createStream() and deleteStream() calls still waiting have failed (LocalKinesisClosedError).
   */
  close(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const POLL_MS = 10;
/** How long a helper waits for a status change beyond `streamStatusDelayMs`. */
const WAIT_LIMIT_MS = 30_000;

/**
 * Starts Kinesis in-process: kinesalite on a free loopback port, behind an endpoint that
 * enforces the Kinesis limits and injects faults when asked to. Resolves once the endpoint
 * listens and the requested streams are ACTIVE.
 */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  const resolved = resolveLocalKinesisOptions(options);
  // The account shard limit is the front's to enforce: scaling passes through more shards.
  const {
    server: store,
    statusTimers,
    storedStreams,
  } = kinesalite({
    createStreamMs: resolved.streamStatusDelayMs,
    deleteStreamMs: resolved.streamStatusDelayMs,
    updateStreamMs: resolved.streamStatusDelayMs,
    shardLimit: MAX_LOCAL_SHARDS * 100,
  });
  // Idle keep-alive connections to the store are never closed by it: a close racing with the
  // reuse of the socket would fail a request with ECONNRESET. close() drops them all.
  store.keepAliveTimeout = 0;
  await listen(store, 0, '127.0.0.1');
  const storePort = (store.address() as AddressInfo).port;
  const storeEndpoint = `http://127.0.0.1:${storePort}`;
  const admin = createKinesisClient({
    endpoint: storeEndpoint,
    region: resolved.region,
    credentials: CREDENTIALS,
  });
  const stats = emptyLocalKinesisStats();
  const front = new KinesisFrontServer({
    upstream: { host: '127.0.0.1', port: storePort },
    limits: resolved.limits,
    faults: resolved.faults,
    clock: resolved.clock,
    shardMaps: new ShardMapCache(admin),
    stats,
    admin,
    region: resolved.region,
    shardLimit: resolved.shardLimit,
    storedStreams,
    streamStatusDelayMs: resolved.streamStatusDelayMs,
    cors: resolved.cors,
    efo: resolved.efo,
  });

  // Aborted when close() begins: the helpers still waiting stop, and fail with a typed error.
  const closing = new AbortController();
  const helpersRunning = new Set<Promise<void>>();
  const runHelper = (
    operation: LocalKinesisOperation,
    streamName: string,
    work: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> => {
    if (closing.signal.aborted) return Promise.reject(new LocalKinesisClosedError(operation, streamName));
    const run = work(closing.signal).catch((error: unknown) => {
      if (closing.signal.aborted) throw new LocalKinesisClosedError(operation, streamName, error);
      // The helpers' own refusals are typed already; what the SDK threw is wrapped.
      throw error instanceof RxjsKinesisError
        ? error
        : new LocalKinesisRequestError(operation, streamName, error);
    });
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    helpersRunning.add(settled);
    void settled.then(() => helpersRunning.delete(settled));
    return run;
  };

  const shutdown = async (): Promise<void> => {
    // Helpers still waiting give up first, while the store still answers: each of their requests
    // is aborted, so they end at once with LocalKinesisClosedError (not a connection error).
    closing.abort();
    await Promise.all(helpersRunning);
    // No status change pending in the store is to land, nor keep the process alive.
    statusTimers.close();
    await front.close();
    admin.destroy();
    await new Promise<void>((resolve) => {
      store.close(() => resolve());
      store.closeAllConnections();
    });
  };

  try {
    await listen(front.server, resolved.port, resolved.host);
  } catch (error) {
    await shutdown();
    throw listenFailure(error, resolved.port, resolved.host);
  }

  // Listening on every interface (0.0.0.0, ::): clients here connect through the loopback.
  const endpoint = connectableEndpoint(front.server.address() as AddressInfo);

  // How long a helper waits for the stream's status to change: 30 s past the status delay.
  const waitLimitMs = WAIT_LIMIT_MS + resolved.streamStatusDelayMs;

  const createStream = async (name: string, shards: number): Promise<void> => {
    validateStreamName(name, 'name');
    validateShardCount(shards, 'shards');
    return runHelper('createStream', name, async (abortSignal) => {
      // Checked one at a time with the CreateStreams the endpoint takes, held until answered.
      const claim = await front.claimShards(name, shards);
      if ('refusal' in claim) {
        const { type, message } = claim.refusal;
        throw new LocalShardLimitError(name, shards, resolved.shardLimit, `${type}: ${message}`);
      }
      const created = admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }), {
        abortSignal,
      });
      claim.release(
        created.then(
          () => ({ status: 200 }),
          () => ({ status: 400 }),
        ),
      );
      await created;
      front.recordStream(name, 'PROVISIONED', shards);
      front.forgetStream(name, true);
      await waitFor(
        async () => {
          const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }), {
            abortSignal,
          });
          return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
        },
        abortSignal,
        waitLimitMs,
        () => new LocalKinesisTimeoutError('createStream', name, waitLimitMs),
      );
      front.streamActive(name);
    });
  };

  const deleteStream = async (name: string): Promise<void> => {
    validateStreamName(name, 'name');
    return runHelper('deleteStream', name, async (abortSignal) => {
      await admin.send(new DeleteStreamCommand({ StreamName: name }), { abortSignal });
      front.recordStream(name, undefined);
      front.forgetStream(name, true);
      await waitFor(
        async () => {
          try {
            await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }), { abortSignal });
            return false;
          } catch (error) {
            if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return true;
            throw error;
          }
        },
        abortSignal,
        waitLimitMs,
        () => new LocalKinesisTimeoutError('deleteStream', name, waitLimitMs),
      );
      front.streamGone(name);
    });
  };

  try {
    for (const stream of resolved.streams) await createStream(stream.name, stream.shards);
  } catch (error) {
    await shutdown();
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    region: resolved.region,
    credentials: { ...CREDENTIALS },
    createClient: () => createKinesisClient({ endpoint, region: resolved.region, credentials: CREDENTIALS }),
    createStream,
    deleteStream,
    subscriptions: (filter) => front.subscriptions(filter),
    dropSubscriptions: (filter) => front.dropSubscriptions(filter),
    silenceSubscriptions: (filter) => front.silenceSubscriptions(filter),
    get stats(): LocalKinesisStats {
      return { ...stats };
    },
    close: () => (closed ??= shutdown()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function waitFor(
  condition: () => Promise<boolean>,
  signal: AbortSignal,
  limitMs: number,
  timedOut: () => Error,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw timedOut();
    await pause(POLL_MS, signal);
    signal.throwIfAborted();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (its timer then cleared). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
