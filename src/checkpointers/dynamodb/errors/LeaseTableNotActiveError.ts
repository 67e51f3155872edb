import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';

/**
 * The lease table (or the workers table beside it) did not become usable (ACTIVE or UPDATING)
 * within the 120 s a call waits for it (or the call's `callTimeout` when longer): it is still
 * being created (CREATING), or deleted before it is created again (DELETING, or `missing` right
 * after). Retriable: a later call waits again, and a
 * consumer retries it as any checkpointer failure, for up to `checkpointerTimeoutMs`.
 */
export class LeaseTableNotActiveError extends RxjsKinesisError {
  readonly tableName: string;
  /** The status last seen, e.g. CREATING, or `missing`. */
  readonly status: string;
  /** How long this call waited for it, in ms. */
  readonly waitedMs: number;

  constructor(tableName: string, streamName: string, status: string, waitedMs: number) {
    super(
      `DynamoDB table "${tableName}" (stream ${streamName}) is still ${status}, not ACTIVE, after ` +
        `${waitedMs} ms: this call gave up waiting; a later call waits again`,
      { retriable: true, context: { streamName } },
    );
    this.tableName = tableName;
    this.status = status;
    this.waitedMs = waitedMs;
  }
}
