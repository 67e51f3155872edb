import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { describeEndpoint } from './describeEndpoint.js';

/**
 * How long connection failures have gone on with no answer from Kinesis, and the
 * ConnectionError pending items fail with once that passes connectionFailureTimeout.
 */
export class ConnectionFailureDeadline {
  /** When connection failures began with no answer from Kinesis since (undefined: none). */
  private failingSince: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly streamName: string,
    private readonly endpoint: string | undefined,
    private readonly region: string | undefined,
    /** The client is the caller's own (`client` option): its endpoint is not known here. */
    private readonly callerClient = false,
  ) {}

  /** Kinesis answered: the failures, if any, are over. */
  answered(): void {
    this.failingSince = undefined;
  }

  /** The moment pending items are given up (only while failures go on). */
  get deadline(): number {
    return this.failingSince! + this.timeoutMs;
  }

  /**
   * Connection failures have gone on since they began: once that passes
   * connectionFailureTimeout, returns the ConnectionError (naming the endpoint and the cause)
   * pending items fail with; else undefined.
   */
  giveUp(error: RxjsKinesisError, now: number): ConnectionError | undefined {
    this.failingSince ??= now;
    const failingFor = now - this.failingSince;
    if (failingFor < this.timeoutMs) return undefined;
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return new ConnectionError(
      `Kinesis at ${this.endpointDescription()} could not be reached for ${Math.round(failingFor / 1000)} s: ${cause}`,
      { cause: error, context: { streamName: this.streamName } },
    );
  }

  /** The endpoint in use, for messages: the configured URL without user info, or the region. */
  endpointDescription(): string {
    return describeEndpoint(this.endpoint, this.region, this.callerClient);
  }
}
