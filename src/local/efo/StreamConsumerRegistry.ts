import { consumerArn } from './consumerArn.js';

export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

/** A registered stream consumer (enhanced fan-out), as the local endpoint keeps it. */
export interface StreamConsumer {
  readonly streamName: string;
  readonly streamArn: string;
  readonly consumerName: string;
  readonly consumerArn: string;
  /**
   * When it was registered (ms; the ARN holds it in whole seconds). A consumer registered again
   * under a name within the second of its previous registration is created at the next whole
   * second (still CREATING until then), so that its ARN is new: AWS's registrations take seconds,
   * so an ARN there never names two consumers, and an old ARN must not reach the new one.
   */
  readonly createdAt: number;
}

interface Entry extends StreamConsumer {
  deregisteredAt: number | undefined;
  /** Registration order across the registry: later registrations have larger numbers. */
  readonly serial: number;
}

/**
 * The stream consumers of every local stream. A consumer is CREATING for `statusDelayMs` after
 * registration, then ACTIVE; once deregistered it is DELETING for `statusDelayMs`, then gone.
 * Status is read from the clock, so no timer runs.
 */
export class StreamConsumerRegistry {
  private readonly streams = new Map<string, Entry[]>();
  /** Per stream ARN and consumer name, the second of the last ARN made (one number per name). */
  private readonly lastArnSecond = new Map<string, number>();
  private registrations = 0;

  constructor(
    private readonly statusDelayMs: number,
    private readonly now: () => number,
  ) {}

  /** The consumers of a stream, DELETING ones included, in registration order. */
  list(streamName: string): StreamConsumer[] {
    return [...this.entries(streamName)];
  }

  /** Where a consumer stands in registration order (for paging; kept after it is gone). */
  positionOf(consumer: StreamConsumer): number {
    return (consumer as Entry).serial;
  }

  find(streamName: string, consumerName: string): StreamConsumer | undefined {
    return this.entries(streamName).find((entry) => entry.consumerName === consumerName);
  }

  /** How many consumers of all streams are CREATING. */
  creatingCount(): number {
    let creating = 0;
    for (const streamName of [...this.streams.keys()]) {
      for (const entry of this.entries(streamName)) if (this.status(entry) === 'CREATING') creating += 1;
    }
    return creating;
  }

  findByArn(arn: string): StreamConsumer | undefined {
    for (const streamName of [...this.streams.keys()]) {
      const found = this.entries(streamName).find((entry) => entry.consumerArn === arn);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  status(consumer: StreamConsumer): ConsumerStatus {
    const entry = consumer as Entry;
    if (entry.deregisteredAt !== undefined) return 'DELETING';
    return this.now() - entry.createdAt < this.statusDelayMs ? 'CREATING' : 'ACTIVE';
  }

  register(streamName: string, streamArn: string, consumerName: string): StreamConsumer {
    const key = `${streamArn}/${consumerName}`;
    const previous = this.lastArnSecond.get(key);
    const now = this.now();
    const createdAt =
      previous !== undefined && Math.floor(now / 1000) <= previous ? (previous + 1) * 1000 : now;
    this.lastArnSecond.set(key, Math.floor(createdAt / 1000));
    const entry: Entry = {
      streamName,
      streamArn,
      consumerName,
      consumerArn: consumerArn(streamArn, consumerName, createdAt),
      createdAt,
      deregisteredAt: undefined,
      serial: (this.registrations += 1),
    };
    const entries = this.entries(streamName);
    entries.push(entry);
    this.streams.set(streamName, entries);
    return entry;
  }

  deregister(consumer: StreamConsumer): void {
    const entry = consumer as Entry;
    entry.deregisteredAt ??= this.now();
  }

  /** Drops every consumer of a stream (it was deleted or created anew). */
  forgetStream(streamName: string): void {
    this.streams.delete(streamName);
  }

  /** The live entries of a stream: deregistered ones past their DELETING time are dropped. */
  private entries(streamName: string): Entry[] {
    const entries = this.streams.get(streamName);
    if (entries === undefined) return [];
    const now = this.now();
    const live = entries.filter(
      (entry) => entry.deregisteredAt === undefined || now - entry.deregisteredAt < this.statusDelayMs,
    );
    if (live.length !== entries.length) {
      if (live.length === 0) this.streams.delete(streamName);
      else this.streams.set(streamName, live);
    }
    return live;
  }
}
