// Watches the SubscribeToShard subscriptions of a fan-out consumer group on the embedded Kinesis
// while a scenario runs: every `intervalMs` it takes a lease snapshot, then the open subscriptions,
// and notes each subscription of a shard whose lease is not held by a running worker process. A
// moment of that is normal (a lease just moved, a connection being torn down); an *orphan* is
// such a subscription seen in every sample for longer than `orphanAfterMs` and in at least
// `orphanAfterSamples` samples in a row: a killed worker's subscription the server kept, or one a
// worker kept after its lease was lost or handed off. Both clocks, because the server and this
// watch share one process: on a starved machine a connection's close waits for that process to
// run, and wall-clock time alone would count time in which neither got to run.
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import type { LocalKinesis } from '../../src/local/index.js';
import type { GroupFixture } from './groupFixture.js';

export interface OrphanSubscription {
  readonly shardId: string;
  /** The lease owner the samples showed (undefined: nobody). */
  readonly owner: string | undefined;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

export class SubscriptionWatch {
  /** Orphans seen longer than `orphanAfterMs`, one entry per shard and stretch. */
  readonly orphans: OrphanSubscription[] = [];
  /** Most subscriptions of the group open at once. */
  maxOpen = 0;
  samples = 0;
  private readonly since = new Map<
    string,
    { at: number; owner: string | undefined; reported: boolean; samples: number }
  >();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly fixture: GroupFixture,
    private readonly local: LocalKinesis,
    private readonly consumerName: string,
    private readonly orphanAfterMs = 2000,
    intervalMs = 200,
    private readonly orphanAfterSamples = Math.ceil(orphanAfterMs / intervalMs),
  ) {
    this.loop = (async () => {
      while (this.running) {
        await this.sample().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
  }

  /** Open subscriptions of the group, by shard. */
  open(): string[] {
    return this.local
      .subscriptions({ streamName: this.fixture.streamName, consumerName: this.consumerName })
      .map((subscription) => subscription.shardId)
      .sort();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async sample(): Promise<void> {
    const snapshot: LeaseSnapshot = await this.fixture.observer.leaseSnapshot(this.fixture.streamName);
    const alive = new Set(this.fixture.group.aliveWorkers);
    const open = this.open();
    const at = Date.now();
    this.samples += 1;
    this.maxOpen = Math.max(this.maxOpen, open.length);
    const owners = new Map(snapshot.leases.map((lease) => [lease.shardId, lease.owner]));
    const unowned = new Set(
      open.filter((shardId) => {
        const owner = owners.get(shardId);
        return owner === undefined || !alive.has(owner);
      }),
    );
    for (const shardId of [...this.since.keys()]) if (!unowned.has(shardId)) this.since.delete(shardId);
    for (const shardId of unowned) {
      const seen = this.since.get(shardId) ?? { at, owner: owners.get(shardId), reported: false, samples: 0 };
      seen.samples += 1;
      this.since.set(shardId, seen);
      if (!seen.reported && at - seen.at > this.orphanAfterMs && seen.samples > this.orphanAfterSamples) {
        seen.reported = true;
        this.orphans.push({ shardId, owner: seen.owner, firstSeenAt: seen.at, lastSeenAt: at });
      }
    }
  }
}
