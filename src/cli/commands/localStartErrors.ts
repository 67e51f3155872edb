import type { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import type { LocalShardLimitError } from '../../local/errors/LocalShardLimitError.js';
import type { LocalStreamSpec } from '../../local/LocalStreamSpec.js';

// What `rxjs-kinesis local` prints when the local Kinesis refuses to start, in the command's terms.

/**
 * An option the local Kinesis refused. A busy port, or a privileged one this user may not take
 * (EACCES), says so in the terms of this command: which port (the default one, when `--port` was
 * not given) and the flag that picks another.
 */
export function localOptionMessage(error: InvalidOptionError, host: string, defaultPort: boolean): string {
  const cause = error.cause as { code?: unknown } | undefined;
  if (error.option !== 'port') return error.message;
  const port = `port ${String(error.value)} on ${host}`;
  const which = defaultPort ? ' (the default port)' : '';
  if (cause?.code === 'EACCES') {
    return (
      `${port}${which} needs privileges this user lacks (EACCES: ports below 1024 need root or ` +
      'CAP_NET_BIND_SERVICE); choose another with --port <n> (1024 or more), or --port 0 for a free one.'
    );
  }
  if (cause?.code !== 'EADDRINUSE') return error.message;
  return `${port} is already in use${which}; choose another with --port <n>, or --port 0 for a free one.`;
}

/**
 * The streams asked for pass the account shard limit: what the limit is, what was asked for, and
 * the flag that raises it (AWS's own message names a service-limits page instead).
 */
export function shardLimitMessage(error: LocalShardLimitError, streams: readonly LocalStreamSpec[]): string {
  const total = streams.reduce((sum, stream) => sum + stream.shards, 0);
  return (
    `the streams asked for have ${total} shards in all, more than the account shard limit of ` +
    `${error.shardLimit}; raise it with --shard-limit ${total}.`
  );
}
