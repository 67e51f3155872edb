import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** Removes user info (user name, password) from every URL in a text. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/**
 * The consumer's checkpointer could not be reached for `checkpointerTimeoutMs`: no lease could
 * be taken or renewed, no position read or written. `cause` is the last failure (e.g. a
 * RedisUnavailableError saying "connect ECONNREFUSED 127.0.0.1:6379"). Retriable: the same
 * consumer may start later.
 */
export class CheckpointerUnavailableError extends RxjsKinesisError {
  readonly checkpointerName: string;
  readonly unavailableMs: number;

  constructor(
    checkpointerName: string,
    unavailableMs: number,
    cause: unknown,
    streamName: string,
    kind: { readonly message: string; readonly retriable: boolean } = {
      message: `unreachable for ${unavailableMs} ms, the consumer stopped`,
      retriable: true,
    },
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(redactUrls(`checkpointer "${checkpointerName}" ${kind.message}: ${reason}`), {
      retriable: kind.retriable,
      cause,
      context: { streamName },
    });
    this.checkpointerName = checkpointerName;
    this.unavailableMs = unavailableMs;
  }
}
