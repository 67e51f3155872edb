import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

export interface LeaseLostErrorOptions {
  readonly streamName: string;
  readonly shardId: string;
  /** The owner named by the lease the caller presented. */
  readonly expectedOwner: string;
  /** Who holds the lease now; undefined when nobody does (expired or released). */
  readonly actualOwner?: string;
  readonly cause?: unknown;
}

/**
 * The caller's lease on a shard is no longer valid: another worker took it over, it expired or it
 * was released. Not retriable: the worker must stop processing the shard and never checkpoint it
 * again with this lease (it may try to acquire a new one).
 */
export class LeaseLostError extends RxjsKinesisError {
  readonly expectedOwner: string;
  readonly actualOwner: string | undefined;

  constructor(options: LeaseLostErrorOptions) {
    const holder =
      options.actualOwner === undefined
        ? 'it is no longer held (expired or released)'
        : options.actualOwner === options.expectedOwner
          ? `it was re-acquired by "${options.actualOwner}" with another token`
          : `it is now held by "${options.actualOwner}"`;
    super(
      `Lease on shard ${options.shardId} of stream ${options.streamName} lost by "${options.expectedOwner}": ${holder}`,
      {
        retriable: false,
        cause: options.cause,
        context: { streamName: options.streamName, shardId: options.shardId },
      },
    );
    this.expectedOwner = options.expectedOwner;
    this.actualOwner = options.actualOwner;
  }
}
