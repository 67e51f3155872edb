import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { firstRefusal, validationOf, violation } from './modelValidation.js';
import { requestedStreamMode } from './streamModeRequest.js';
import { ON_DEMAND_STREAM_LIMIT, StreamModes, type StreamMode } from './StreamModes.js';
import { modeSwitchLimitExceeded, onDemandStreamLimitExceeded, type AwsErrorAnswer } from './awsErrors.js';
import { notActiveRefusal, UpdatingWindows } from './UpdatingWindows.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

export interface StreamModeOperationsOptions {
  readonly admin: KinesisClient;
  /** How long a stream shows UPDATING after its mode changed (ms). */
  readonly statusDelayMs: number;
  /** Whether the stream is being changed otherwise (UpdateShardCount under way). */
  readonly isBusy: (streamName: string) => boolean;
  /** Milliseconds, for the switches per rolling 24 hours. */
  readonly clock: () => number;
}

/** Capacity mode switches a stream may make in any rolling 24 hours (AWS: twice). */
const SWITCHES_PER_DAY = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The capacity modes of the local streams and UpdateStreamMode, which kinesalite lacks: the
 * mode is the front's record (the shards stay as they are), and the stream shows UPDATING for
 * the status delay after a switch, as on AWS.
 */
export class StreamModeOperations {
  private readonly modes = new StreamModes();
  private readonly updating: UpdatingWindows;
  /** When each stream's mode was switched within the last 24 hours. */
  private readonly switches = new Map<string, number[]>();

  constructor(private readonly options: StreamModeOperationsOptions) {
    this.updating = new UpdatingWindows(options.statusDelayMs);
  }

  modeOf(streamName: string): StreamMode {
    return this.modes.modeOf(streamName);
  }

  get onDemandCount(): number {
    return this.modes.onDemandCount;
  }

  /** The refusal of one more on-demand stream, if the account has as many as it may. */
  onDemandLimitRefusal(): AwsErrorAnswer | undefined {
    const count = this.modes.onDemandCount;
    return count >= ON_DEMAND_STREAM_LIMIT
      ? onDemandStreamLimitExceeded(count, ON_DEMAND_STREAM_LIMIT)
      : undefined;
  }

  /** A stream was created (in `mode`) or deleted (undefined). */
  record(streamName: string, mode: StreamMode | undefined): void {
    this.updating.forget(streamName);
    this.switches.delete(streamName);
    if (mode === undefined) this.modes.forget(streamName);
    else this.modes.set(streamName, mode);
  }

  /** Whether the stream is UPDATING after a mode switch. */
  isUpdating(streamName: string): boolean {
    return this.updating.isUpdating(streamName);
  }

  /** UpdateStreamMode, with the stream named by StreamName (resolved from its StreamARN). */
  async updateStreamMode(payload: JsonObject): Promise<UpstreamAnswer> {
    const streamName = payload.StreamName;
    const mode = requestedStreamMode(payload);
    // Both required members checked at once, as the model lists them, and WarmThroughputMiBps
    // (0 or more; taken and ignored, as CreateStream's).
    const missing: string[] = [];
    if (typeof streamName !== 'string') missing.push(violation(null, 'streamARN', 'Member must not be null'));
    if (mode === undefined) missing.push(violation(null, 'streamModeDetails', 'Member must not be null'));
    const warm = payload.WarmThroughputMiBps;
    if (typeof warm === 'number' && Math.trunc(warm) < 0) {
      const value = String(Math.trunc(warm));
      missing.push(
        violation(value, 'warmThroughputMiBps', 'Member must have value greater than or equal to 0'),
      );
    }
    const invalid = firstRefusal(
      missing.length > 0 ? validationOf(missing) : undefined,
      typeof mode === 'object' ? mode : undefined,
    );
    if (invalid !== undefined || typeof streamName !== 'string' || typeof mode !== 'string') {
      return errorAnswer(invalid ?? validationOf(missing));
    }
    const refusal = await notActiveRefusal(
      this.options.admin,
      streamName,
      () => this.isUpdating(streamName) || this.options.isBusy(streamName),
    );
    if (refusal !== undefined) return errorAnswer(refusal);
    const switching = mode !== this.modeOf(streamName);
    const now = this.options.clock();
    const recent = (this.switches.get(streamName) ?? []).filter((at) => at > now - DAY_MS);
    if (switching && recent.length >= SWITCHES_PER_DAY) {
      return errorAnswer(modeSwitchLimitExceeded(streamName, SWITCHES_PER_DAY));
    }
    if (mode === 'ON_DEMAND' && this.modeOf(streamName) === 'PROVISIONED') {
      const overLimit = this.onDemandLimitRefusal();
      if (overLimit !== undefined) return errorAnswer(overLimit);
    }
    if (switching) this.switches.set(streamName, [...recent, now]);
    this.modes.set(streamName, mode);
    this.updating.start(streamName);
    return jsonAnswer(200, {});
  }
}
