export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** Shards an on-demand stream opens with on AWS (4 MiB/s of writes). */
export const ON_DEMAND_INITIAL_SHARDS = 4;

/** Streams an account may have in on-demand mode (the AWS default, reported by DescribeLimits). */
export const ON_DEMAND_STREAM_LIMIT = 50;

/**
 * The capacity mode of each local stream, which kinesalite does not keep: streams are
 * PROVISIONED unless created ON_DEMAND or switched by UpdateStreamMode.
 */
export class StreamModes {
  private readonly onDemand = new Set<string>();

  modeOf(streamName: string): StreamMode {
    return this.onDemand.has(streamName) ? 'ON_DEMAND' : 'PROVISIONED';
  }

  set(streamName: string, mode: StreamMode): void {
    if (mode === 'ON_DEMAND') this.onDemand.add(streamName);
    else this.onDemand.delete(streamName);
  }

  /** Forgets a deleted stream. */
  forget(streamName: string): void {
    this.onDemand.delete(streamName);
  }

  get onDemandCount(): number {
    return this.onDemand.size;
  }
}
