import { limitExceeded, localAccountId, type AwsErrorAnswer } from './awsErrors.js';
import { CallRateWindow } from './CallRateWindow.js';
import {
  CONTROL_PLANE_LIMITS,
  isControlPlaneOperation,
  type ControlPlaneOperation,
} from './controlPlaneLimits.js';
import { parseConsumerArn } from './efo/consumerArn.js';
import { parseListShards } from './listShardsPage.js';
import { streamNameOfArn } from './streamArn.js';
import type { JsonObject } from './UpstreamAnswer.js';

/** A request whose StreamARN or ConsumerARN is not one. */
const MALFORMED = Symbol('malformed');

/** Budgets kept before idle ones are swept (stream-scoped budgets are one per stream named). */
const SWEEP_AT = 1024;

/**
 * Holds control-plane calls (DescribeStream, ListShards, ListStreams, ...) to their calls per
 * second, per account or per stream as AWS counts them, in sliding one-second windows, and
 * refuses a call over its budget with LimitExceededException in the AWS words: "Rate exceeded
 * for stream <name> under account <id>." when the call names a stream, else "Rate exceeded for
 * account <id>.".
 */
export class ControlPlaneThrottle {
  private readonly windows = new Map<string, { window: CallRateWindow; lastCall: number }>();

  constructor(
    private readonly callsPerSecond: Readonly<Partial<Record<ControlPlaneOperation, number | false>>>,
    private readonly clock: () => number,
  ) {}

  /** How many budgets are held (idle ones are swept once there are many). */
  get budgets(): number {
    return this.windows.size;
  }

  /** Charges one call of `operation` with request `payload`; the refusal if it is over budget. */
  refusal(operation: string, payload: JsonObject): AwsErrorAnswer | undefined {
    if (!isControlPlaneOperation(operation)) return undefined;
    const rate = this.callsPerSecond[operation] ?? CONTROL_PLANE_LIMITS[operation].callsPerSecond;
    if (rate === false) return undefined;
    const streamName = this.streamNamed(operation, payload);
    // A malformed ARN is refused (ValidationException) before any budget is charged.
    if (streamName === MALFORMED) return undefined;
    const scoped = CONTROL_PLANE_LIMITS[operation].scope === 'stream';
    const key = scoped ? `${operation}/${streamName ?? ''}` : operation;
    const now = this.clock();
    let entry = this.windows.get(key);
    if (entry === undefined) {
      if (this.windows.size >= SWEEP_AT) this.sweep(now);
      entry = { window: new CallRateWindow(rate), lastCall: now };
      this.windows.set(key, entry);
    }
    entry.lastCall = now;
    if (entry.window.tryCall(now)) return undefined;
    const account = localAccountId();
    return limitExceeded(
      streamName === undefined
        ? `Rate exceeded for account ${account}.`
        : `Rate exceeded for stream ${streamName} under account ${account}.`,
    );
  }

  /** The stream a call names: by StreamName, StreamARN, ConsumerARN or (ListShards) NextToken. */
  private streamNamed(
    operation: ControlPlaneOperation,
    payload: JsonObject,
  ): string | typeof MALFORMED | undefined {
    const { StreamName: name, StreamARN: streamArn, ConsumerARN: consumerArn } = payload;
    if (typeof name === 'string') return name;
    if (streamArn !== undefined && streamArn !== null) {
      return (typeof streamArn === 'string' ? streamNameOfArn(streamArn) : undefined) ?? MALFORMED;
    }
    if (consumerArn !== undefined && consumerArn !== null) {
      return (
        (typeof consumerArn === 'string' ? parseConsumerArn(consumerArn)?.streamName : undefined) ?? MALFORMED
      );
    }
    if (operation === 'ListShards' && payload.NextToken !== undefined) {
      const query = parseListShards(payload, this.clock());
      return 'streamName' in query ? query.streamName : undefined;
    }
    return undefined;
  }

  /** Drops the budgets with no call in the last second (they hold nothing). */
  private sweep(now: number): void {
    for (const [key, entry] of this.windows) {
      if (entry.lastCall <= now - 1000) this.windows.delete(key);
    }
  }
}
