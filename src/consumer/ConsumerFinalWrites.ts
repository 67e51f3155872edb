import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import { classifyError } from '../kinesis/classifyError.js';
import { writeLog } from '../logging/writeLog.js';
import { CheckpointerFence } from './CheckpointerFence.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { GoneShardCleanup } from './GoneShardCleanup.js';
import type { LeaseManager } from './LeaseManager.js';
import type { ShardAssignment } from './ShardAssignment.js';
import type { ShardDirectory } from './ShardDirectory.js';
import type { ShardReadings } from './ShardReadings.js';
import type { StreamConsumerRegistration } from './StreamConsumerRegistration.js';
import { endsWithin } from './endsWithin.js';

/** What the final writes of a consumer's stop work on. */
export interface FinalWritesParts {
  readonly assignment: ShardAssignment;
  readonly shards: ShardReadings;
  readonly leases: LeaseManager;
  readonly registration: StreamConsumerRegistration | undefined;
  /** The cleanup of trimmed shards' state: the stop waits for its call under way, last. */
  readonly cleanup?: GoneShardCleanup;
  /** The shard listing: its call under way (if any) is aborted and waited for, first. */
  readonly directory?: Pick<ShardDirectory, 'stop'>;
}

/**
 * The writes of a consumer's stop once the pipelines are done: the end of the shard listing's
 * call under way (aborted: nothing needs its answer any more), the assignment's stop, every
 * reading's last checkpoint, the lease releases, leaving the group, deregistering
 * (`deregisterOnStop`) and the end of the trimmed-shard cleanup's call under way
 * (GoneShardCleanup), in that order, within `finalWritesTimeoutMs`. Past it the run is cut
 * short: the checkpointer calls under way are no longer waited for (their answers are ignored,
 * and no new call is made: CheckpointerFence), every reading, lease, wait and timer of the run
 * ends, and final-writes-timeout names the shards left unwritten and the leases left to run out.
 */
export class ConsumerFinalWrites {
  private readonly fence: CheckpointerFence<Checkpointer>;
  private cut = false;
  /**
   * Ends the deregistration's call and waits, and the group leave's retries, when the final
   * writes run out of time.
   */
  private readonly deregistering = new AbortController();

  constructor(
    checkpointer: Checkpointer,
    private readonly options: ResolvedConsumerOptions,
    private readonly emitEvent: (event: ConsumerEvent) => void,
  ) {
    this.fence = new CheckpointerFence(checkpointer);
  }

  /** The checkpointer the lease calls (LeaseManager, LeaseBalancer) go through: closed when cut short. */
  get fenced(): Checkpointer {
    return this.fence.checkpointer;
  }

  /** Runs the final writes; resolves once they ended or were cut short at the deadline. */
  async run(parts: FinalWritesParts): Promise<void> {
    const { finalWritesTimeoutMs, scheduler } = this.options;
    if (!(await endsWithin(this.steps(parts), finalWritesTimeoutMs, scheduler))) this.cutShort(parts);
  }

  /** Each step starts only while there is time. */
  private async steps(parts: FinalWritesParts): Promise<void> {
    const { assignment, shards, leases, registration, cleanup, directory } = parts;
    const steps = [
      () => directory?.stop(),
      () => assignment.stop(),
      () => shards.stopAll(),
      () => leases.releaseAll((shardId) => assignment.requesterOf(shardId)),
      () => assignment.leave(this.deregistering.signal),
      () => this.deregister(registration),
      () => cleanup?.stop(),
    ];
    for (const step of steps) {
      if (this.cut) return;
      await step();
    }
  }

  private cutShort({ shards, leases }: FinalWritesParts): void {
    const { options } = this;
    this.cut = true;
    this.fence.close();
    this.deregistering.abort();
    const unwritten = shards.cutShort();
    const unreleased = leases.abandon();
    this.emitEvent({
      type: 'final-writes-timeout',
      streamName: options.address.streamName,
      workerId: options.workerId,
      timeoutMs: options.finalWritesTimeoutMs,
      unwritten,
      unreleased,
    });
  }

  /** With `deregisterOnStop`: deregisters the stream consumer (a failure is reported, never thrown). */
  private async deregister(registration: StreamConsumerRegistration | undefined): Promise<void> {
    const { options } = this;
    if (registration === undefined || options.enhancedFanOut?.deregisterOnStop !== true) return;
    const { streamName } = options.address;
    try {
      await registration.deregister(this.deregistering.signal);
    } catch (error) {
      if (this.cut) return;
      writeLog(options.logger, 'warn', 'stream consumer not deregistered', {
        streamName,
        error: classifyError(error, { streamName }),
      });
    }
  }
}
