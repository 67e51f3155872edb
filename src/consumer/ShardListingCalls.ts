import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { throwIfAborted } from '../kinesis/abortSignal.js';
import { callWithin } from '../kinesis/callWithin.js';
import { listShards } from '../kinesis/listShards.js';
import { callerClientDeadline, schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { StreamRecreatedError } from './errors/StreamRecreatedError.js';
import { StreamGeneration } from './StreamGeneration.js';

/**
 * The ListShards calls of one consumer run (ShardDirectory's listings): through a client of the
 * caller's own each has a deadline (see callerClientDeadline). stop() aborts the calls under way
 * and resolves once they ended, so no call of the run outlives its stop (a listing or a
 * confirmation of the stream shared by readings refused as not found can be under way when the
 * consumer stops). The first listing
 * reads the stream's creation time first (StreamGeneration: which stream of its name it is).
 */
export class ShardListingCalls {
  private readonly aborting = new AbortController();
  /** The calls under way, settled (never rejecting). */
  private readonly underway = new Set<Promise<void>>();

  private readonly generation: StreamGeneration;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
  ) {
    this.generation = new StreamGeneration(client, options, this.aborting.signal);
  }

  /** Every shard of the stream. */
  list(): Promise<Shard[]> {
    return this.tracked(this.generation.learn().then(() => this.call()));
  }

  /** See StreamGeneration.learned (the creation time another call of the start read). */
  learned(createdAt: Date | undefined): void {
    this.generation.learned(createdAt);
  }

  /** See StreamGeneration.confirm (waited for by stop(), as listings are). */
  sameStream(): Promise<StreamRecreatedError | undefined> {
    return this.tracked(this.generation.confirm());
  }

  /** `call`, counted as under way until it settles. */
  private tracked<T>(call: Promise<T>): Promise<T> {
    const settled = call.then(
      () => undefined,
      () => undefined,
    );
    this.underway.add(settled);
    void settled.then(() => this.underway.delete(settled));
    return call;
  }

  /** Aborts the calls under way (and any made later); resolves once they ended. */
  async stop(): Promise<void> {
    this.aborting.abort();
    await Promise.all([...this.underway]);
  }

  private call(): Promise<Shard[]> {
    const { address } = this.options;
    const abortSignal = this.aborting.signal;
    throwIfAborted(abortSignal, { streamName: address.streamName });
    const deadline = callerClientDeadline(this.options);
    if (deadline === undefined) return listShards(this.client, address, { abortSignal });
    return callWithin((signal) => listShards(this.client, address, { abortSignal: signal }), {
      timeoutMs: deadline.ms,
      startTimer: schedulerTimer(deadline.scheduler),
      abortSignal,
      api: 'ListShards',
      context: { streamName: address.streamName },
    });
  }
}
