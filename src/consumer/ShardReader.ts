import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ChildShard,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { Observable, throwError, timeout } from 'rxjs';
import { classifyError } from '../kinesis/classifyError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';
import type { CallerClientDeadline } from './CallerClientDeadline.js';
import type { ShardStartPosition } from './ConsumerEvent.js';

/** Where to get a shard iterator. */
export type IteratorRequest = Omit<ShardStartPosition, 'origin' | 'resumeAfterSubSequenceNumber'>;

/** One GetRecords answer. */
export interface RecordsPage {
  readonly records: readonly _Record[];
  /** Absent once the (closed) shard was read to its end. */
  readonly nextShardIterator?: string;
  readonly millisBehindLatest?: number;
  readonly childShards?: readonly ChildShard[];
}

/**
 * The two data-plane calls a shard poller makes, as cold Observables that emit once and
 * complete, or error with a typed RxjsKinesisError. Unsubscribing aborts the request.
 */
export interface ShardReader {
  getShardIterator(shardId: string, request: IteratorRequest): Observable<string>;
  getRecords(shardId: string, shardIterator: string, limit: number): Observable<RecordsPage>;
}

function fromRequest<T>(
  run: (signal: AbortSignal) => Promise<T>,
  context: { streamName: string; shardId: string },
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    run(controller.signal).then(
      (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(classifyError(error, context));
      },
    );
    return () => controller.abort();
  });
}

/**
 * Fails a call still unanswered after the deadline with RequestTimeoutError (unsubscribing
 * aborts it), as a client the library builds does in its handler.
 */
function within<T>(
  call: Observable<T>,
  deadline: CallerClientDeadline | undefined,
  api: string,
  context: { streamName: string; shardId: string },
): Observable<T> {
  if (deadline === undefined) return call;
  return call.pipe(
    timeout({
      first: deadline.ms,
      scheduler: deadline.scheduler,
      with: () =>
        throwError(
          () => new RequestTimeoutError(`${api} got no answer within ${deadline.ms} ms`, { context }),
        ),
    }),
  );
}

/**
 * A ShardReader over an AWS SDK v3 KinesisClient; with `deadline` (a client of the caller's
 * own), each call is given up after it.
 */
export function createShardReader(
  client: KinesisClient,
  address: StreamAddress,
  deadline?: CallerClientDeadline,
): ShardReader {
  const stream = streamParams(address);
  return {
    getShardIterator(shardId, request) {
      const input: GetShardIteratorCommandInput = {
        ...stream,
        ShardId: shardId,
        ShardIteratorType: request.iteratorType,
        ...(request.sequenceNumber === undefined ? {} : { StartingSequenceNumber: request.sequenceNumber }),
        ...(request.timestamp === undefined ? {} : { Timestamp: request.timestamp }),
      };
      const context = { streamName: address.streamName, shardId };
      return within(
        fromRequest(async (abortSignal) => {
          const output = await client.send(new GetShardIteratorCommand(input), { abortSignal });
          if (output.ShardIterator === undefined)
            throw new Error(`GetShardIterator returned no iterator for ${shardId}`);
          return output.ShardIterator;
        }, context),
        deadline,
        'GetShardIterator',
        context,
      );
    },
    getRecords(shardId, shardIterator, limit) {
      const context = { streamName: address.streamName, shardId };
      const call = fromRequest(async (abortSignal) => {
        const output = await client.send(
          new GetRecordsCommand({
            ShardIterator: shardIterator,
            Limit: limit,
            ...(address.streamArn === undefined ? {} : { StreamARN: address.streamArn }),
          }),
          { abortSignal },
        );
        return {
          records: output.Records ?? [],
          ...(output.NextShardIterator === undefined || output.NextShardIterator === null
            ? {}
            : { nextShardIterator: output.NextShardIterator }),
          ...(output.MillisBehindLatest === undefined
            ? {}
            : { millisBehindLatest: output.MillisBehindLatest }),
          ...(output.ChildShards === undefined ? {} : { childShards: output.ChildShards }),
        };
      }, context);
      return within(call, deadline, 'GetRecords', context);
    },
  };
}
