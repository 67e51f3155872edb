import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

export interface LeaseLostErrorOptions {
  readonly streamName: string;
  readonly shardId: string;
  /** The owner named by the lease the caller presented. */
  readonly expectedOwner: string;
  /** Who holds the lease now; undefined when nobody does (expired or released). */
  readonly actualOwner?: string;
  /** This worker handed the lease over (released it for another worker) rather than losing it. */
  readonly handedOver?: boolean;
  readonly cause?: unknown;
}

/**
 * The caller's lease on a shard is no longer valid: another worker took it over, it expired or it
 * was released (`handedOver`: this worker released it for another one, as lease balancing does). Not retriable: the worker must stop processing the shard and never checkpoint it
 * again with this lease (it may try to acquire a new one).
 */
export class LeaseLostError extends RxjsKinesisError {
  readonly expectedOwner: string;
  readonly actualOwner: string | undefined;
  /** True when this worker handed the lease over (released it) rather than losing it. */
  readonly handedOver: boolean;

  constructor(options: LeaseLostErrorOptions) {
    const holder =
      options.handedOver === true
        ? 'released for another worker to take'
        : options.actualOwner === undefined
          ? 'it is no longer held (expired or released)'
          : options.actualOwner === options.expectedOwner
            ? `it was re-acquired by "${options.actualOwner}" with another token`
            : `it is now held by "${options.actualOwner}"`;
    super(
      `Lease on shard ${options.shardId} of stream ${options.streamName} ${options.handedOver === true ? 'handed over' : 'lost'} by "${options.expectedOwner}": ${holder}`,
      {
        retriable: false,
        cause: options.cause,
        context: { streamName: options.streamName, shardId: options.shardId },
      },
    );
    this.expectedOwner = options.expectedOwner;
    this.actualOwner = options.actualOwner;
    this.handedOver = options.handedOver === true;
  }
}
