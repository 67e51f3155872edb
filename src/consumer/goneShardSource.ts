import type { Subscription } from 'rxjs';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { KinesisValidationError } from '../kinesis/errors/KinesisValidationError.js';
import { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
import { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';
import type { Logger } from '../logging/Logger.js';
import { writeLog } from '../logging/writeLog.js';
import { GoneShardCheck, type GoneShardState, type ShardListing } from './GoneShardCheck.js';
import type { ReadingSource, ReadingSourceFactory } from './ReadingSource.js';
import type { IteratorRequest } from './ShardReader.js';

export interface GoneShardSourceOptions {
  /** The source to wrap. */
  readonly source: ReadingSourceFactory;
  /** The consumer's shard listing (ShardDirectory): one GoneShardCheck shares it among readings. */
  readonly directory: ShardListing;
  readonly running: () => boolean;
  readonly options: {
    readonly logger?: Logger | undefined;
    readonly expoBackoff: number;
    readonly expoBackoffLimit: number;
    readonly retryLimit: number;
    readonly random: () => number;
  };
}

/**
 * A source whose shard is gone while its stream is still there ends the shard instead of failing.
 * GetShardIterator, GetRecords and SubscribeToShard answer ResourceNotFoundException (read as
 * StreamNotFoundError) alike for a missing stream and for a shard trimmed past the retention
 * since the consumer's last listing. On such an error the shard is looked for in a listing (one
 * shared by every reading refused at the same time: GoneShardCheck):
 * - absent from a stream that still exists: read as ended (as the KCL takes it: its SHARD_END is
 *   marked and its children start), once the stream is confirmed to be the one the consumer
 *   started on (ShardListing.sameStream); a stream deleted and created again under the name
 *   fails the reading with StreamRecreatedError instead;
 * - still listed (the listing can lag a trim by a moment), or open when last listed (only a
 *   closed shard is trimmed: a new child not readable yet, or a listing that lags): read again
 *   with back-off, from after the last record delivered, `retryLimit` times (expoBackoff,
 *   expoBackoffLimit), then failed; never skipped;
 * - the listing failed for good: the stream is gone (StreamNotFoundError), the reading fails with
 *   the read's error; a retriable error (ListShards throttled, a service error) is no answer, the
 *   shard is read again as above (then fails naming the listing's error); any other error fails the
 *   reading.
 * Before a listed (or open) shard is read again from its position, and before a read refused as
 * invalid (InvalidArgumentException, e.g. a position of another stream) fails the reading, the
 * stream is confirmed too: those are the ways a stream created again under the name shows.
 */
export function goneShardSource(config: GoneShardSourceOptions): ReadingSourceFactory {
  const { source, running, options } = config;
  const check = new GoneShardCheck(config.directory);
  return (params) => {
    const { shardId, streamName, scheduler } = params;
    let stopped = false;
    let inner: ReadingSource | undefined;
    let timer: Subscription | undefined;
    let lastSequenceNumber: string | undefined;
    const startedAt = new Date(scheduler.now());
    const { directory } = config;
    /** Whether the listing last showed the shard open (sampled at the start and at every batch). */
    let seenOpen = directory.isOpen(shardId);
    const look = (): void => {
      if (directory.has(shardId)) seenOpen = directory.isOpen(shardId);
    };
    const retries = new Backoff({
      baseMs: options.expoBackoff,
      capMs: options.expoBackoffLimit,
      retryLimit: options.retryLimit,
      random: options.random,
    });
    /** Where a new read starts: after the last record delivered (LATEST again could skip some). */
    const resumeAt = (): IteratorRequest => {
      if (lastSequenceNumber !== undefined)
        return { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber };
      if (params.start.iteratorType === 'LATEST')
        return { iteratorType: 'AT_TIMESTAMP', timestamp: startedAt };
      return params.start;
    };
    /**
     * Runs `then` once the stream under the name is confirmed to be the one the consumer started
     * on: a stream created again (its shard ids start over) fails the reading instead.
     */
    const sameStream = (then: () => void): void => {
      const confirmed = directory.sameStream?.() ?? Promise.resolve(undefined);
      void confirmed.then((recreated) => {
        if (stopped) return;
        if (recreated === undefined) then();
        else params.onError(recreated);
      });
    };
    /** Gone from the listing: read as ended. */
    const ended = (): void => {
      writeLog(options.logger, 'info', 'shard gone from the stream (trimmed): read as ended', {
        streamName,
        shardId,
      });
      params.onEnd([]);
    };
    const notFound = (error: StreamNotFoundError): void => {
      check.stateOf(shardId, running, seenOpen).then(
        ({ state, listingError }) => {
          look();
          if (stopped) return;
          if (state === 'gone') {
            sameStream(ended);
            return;
          }
          if (state === 'unknown') {
            const failure = unknownFailure(error, listingError);
            if (failure !== undefined) {
              params.onError(failure);
              return;
            }
          }
          // Listed (or open): read again from its position, unless that belongs to an old stream.
          if (state === 'unknown') retry(error, state, listingError);
          else sameStream(() => retry(error, state, listingError));
        },
        () => {
          if (!stopped) params.onError(error);
        },
      );
    };
    /** Reads the shard again after a back-off; fails once `retryLimit` ran out. */
    const retry = (
      error: StreamNotFoundError,
      state: GoneShardState,
      listingError: RxjsKinesisError | undefined,
    ): void => {
      const delayMs = retries.next();
      if (delayMs === undefined) {
        const attempts = retries.attempts + 1;
        params.onError(
          listingError === undefined
            ? listedNotFound(error, state === 'open' ? 'open' : 'listed', shardId, streamName, attempts)
            : unlistedNotFound(listingError, shardId, streamName, attempts),
        );
        return;
      }
      const attempt = retries.attempts;
      params.onEvent({ type: 'error-retried', shardId, operation: 'ReadShard', error, attempt, delayMs });
      if (attempt === UNREADABLE_WARNING_AT && options.retryLimit === Number.POSITIVE_INFINITY) {
        writeLog(
          options.logger,
          'warn',
          'shard listed but its reads are refused as not found: read again for ever',
          {
            streamName,
            shardId,
            refusals: attempt,
            state,
            retryLimit: 'Infinity',
            expoBackoffLimit: options.expoBackoffLimit,
          },
        );
      }
      timer = scheduler.schedule(() => {
        timer = undefined;
        if (!stopped) open(resumeAt());
      }, delayMs);
    };
    const open = (start: IteratorRequest): void => {
      inner = source({
        ...params,
        start,
        onRecords: (records, page) => {
          const last = records[records.length - 1]?.SequenceNumber;
          if (last !== undefined) lastSequenceNumber = last;
          retries.reset();
          look();
          params.onRecords(records, page);
        },
        onPage: (page) => {
          retries.reset();
          params.onPage?.(page);
        },
        onError: (error) => {
          if (error instanceof StreamNotFoundError) notFound(error);
          // A position refused as invalid (InvalidArgumentException): perhaps of an old stream.
          else if (error instanceof KinesisValidationError) sameStream(() => params.onError(error));
          else params.onError(error);
        },
      });
      inner.start();
    };
    return {
      start: () => {
        if (inner === undefined && !stopped) open(params.start);
      },
      stop: () => {
        stopped = true;
        timer?.unsubscribe();
        timer = undefined;
        inner?.stop();
      },
    };
  };
}

/**
 * Refusals in a row after which a shard read again for ever (`retryLimit: Infinity`) is named in
 * one warning (its `error-retried` events go on at each retry, as for any retried call).
 */
const UNREADABLE_WARNING_AT = 10;

/**
 * What fails a reading whose shard's listing failed for good (`listingError`), or undefined when
 * the read is tried again: a listing refused as a retriable error (throttled, a service error)
 * cannot tell a shard gone, but does not say the stream is gone either. A missing stream (or a
 * consumer stopped: no error) fails with the read's error; any other error, with the listing's.
 */
function unknownFailure(
  error: StreamNotFoundError,
  listingError: RxjsKinesisError | undefined,
): RxjsKinesisError | undefined {
  if (listingError === undefined || listingError instanceof StreamNotFoundError) return error;
  if (!(listingError instanceof RxjsKinesisError)) return error;
  return listingError.retriable ? undefined : listingError;
}

/** A shard refused as not found `attempts` times while ListShards kept failing (`listingError`). */
function unlistedNotFound(
  listingError: RxjsKinesisError,
  shardId: string,
  streamName: string,
  attempts: number,
): RetryLimitExceededError {
  return new RetryLimitExceededError(
    `${shardId} of stream ${streamName}: its reads were refused as not found ${attempts} times ` +
      `(retryLimit) and ListShards, asked whether it is gone, failed: ${listingError.message}`,
    { attempts, cause: listingError, context: { streamName, shardId } },
  );
}

/** A shard refused as not found `attempts` times, yet `listed` by its stream or last seen `open`. */
function listedNotFound(
  error: StreamNotFoundError,
  state: 'listed' | 'open',
  shardId: string,
  streamName: string,
  attempts: number,
): RetryLimitExceededError {
  const why =
    state === 'listed'
      ? 'is still listed by ListShards'
      : 'was open when last listed (only a closed shard is trimmed)';
  return new RetryLimitExceededError(
    `${shardId} of stream ${streamName} ${why}, yet its reads were refused as not found ` +
      `${attempts} times (retryLimit): ${error.message}`,
    { attempts, cause: error, context: { streamName, shardId } },
  );
}
