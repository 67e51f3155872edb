import { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';
import type { Logger } from '../logging/Logger.js';
import { writeLog } from '../logging/writeLog.js';
import type { ReadingSourceFactory } from './ReadingSource.js';

export interface GoneShardSourceOptions {
  /** The source to wrap. */
  readonly source: ReadingSourceFactory;
  /** Tells a shard gone from a stream that still exists (see ShardDirectory.goneFromStream). */
  readonly directory: {
    goneFromStream(shardId: string, running: () => boolean): Promise<boolean>;
  };
  readonly running: () => boolean;
  readonly options: { readonly logger?: Logger | undefined };
}

/**
 * A source whose shard is gone while its stream is still there ends the shard instead of failing.
 * GetShardIterator, GetRecords and SubscribeToShard answer ResourceNotFoundException (read as
 * StreamNotFoundError) alike for a missing stream and for a shard trimmed past the retention
 * since the consumer's last listing. On such an error the shard is looked for in a new listing:
 * a shard absent from a stream that still exists is read as ended (as the KCL takes it: its
 * SHARD_END is marked and its children start), anything else fails the reading as before.
 */
export function goneShardSource(config: GoneShardSourceOptions): ReadingSourceFactory {
  const { source, directory, running } = config;
  return (params) => {
    let stopped = false;
    const inner = source({
      ...params,
      onError: (error) => {
        if (!(error instanceof StreamNotFoundError)) {
          params.onError(error);
          return;
        }
        const { shardId, streamName } = params;
        directory.goneFromStream(shardId, running).then(
          (isGone) => {
            if (stopped) return;
            if (!isGone) {
              params.onError(error);
              return;
            }
            writeLog(config.options.logger, 'info', 'shard gone from the stream (trimmed): read as ended', {
              streamName,
              shardId,
            });
            params.onEnd([]);
          },
          () => {
            if (!stopped) params.onError(error);
          },
        );
      },
    });
    return {
      start: () => inner.start(),
      stop: () => {
        stopped = true;
        inner.stop();
      },
    };
  };
}
