import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EnhancedMonitoring } from './EnhancedMonitoring.js';
import type { ResourcePolicies } from './ResourcePolicies.js';
import type { ResourceTags } from './ResourceTags.js';
import type { ShardMapCache } from './ShardMapCache.js';
import type { ShardOperations } from './ShardOperations.js';
import type { StreamEncryption } from './StreamEncryption.js';
import type { StreamFacts, StreamSettings } from './streamDescription.js';
import type { StreamModeOperations } from './StreamModeOperations.js';
import type { StreamMode } from './StreamModes.js';
import type { StreamRetention } from './StreamRetention.js';
import { DEFAULT_MAX_RECORD_SIZE_KIB, requestedMaxRecordSizeKiB } from './streamModeRequest.js';
import { isTagMap } from './tagRequests.js';
import { StreamSettleWatcher } from './StreamSettleWatcher.js';
import type { JsonObject, UpstreamAnswer } from './UpstreamAnswer.js';

const RESHARDING_OPERATIONS = new Set([
  'CreateStream',
  'DeleteStream',
  'SplitShard',
  'MergeShards',
  'UpdateShardCount',
]);

export interface StreamBookkeepingParts {
  readonly admin: KinesisClient;
  readonly shardMaps: ShardMapCache;
  readonly operations: ShardOperations;
  readonly modes: StreamModeOperations;
  readonly retention: StreamRetention;
  readonly monitoring: EnhancedMonitoring;
  readonly encryption: StreamEncryption;
  readonly tags: ResourceTags;
  readonly policies: ResourcePolicies;
  /** The parts holding per-stream budgets and subscriptions, dropped with the stream. */
  readonly perStream: ReadonlyArray<{ forgetStream(streamName: string): void }>;
  /** How many consumers are registered with a stream. */
  readonly consumerCount: (streamName: string) => number;
}

/**
 * What the front keeps of each stream beyond kinesalite (capacity mode, retention, shard-level
 * metrics, encryption, tags, shard maps and budgets), and how that changes when a stream is created,
 * deleted or resharded, through the front or beside it.
 */
export class StreamBookkeeping {
  private readonly settling: StreamSettleWatcher;
  /**
   * Streams deleted through the front and not created again since: a deletion's watch drops the
   * stream's budgets once it is gone only while it is here. A poll answered "not found" just
   * before a stream of that name was created again, and read after, must not drop the new
   * stream's (the new stream was seen in none of the polls, so the status alone cannot tell).
   */
  private readonly deleted = new Set<string>();
  /** The `MaxRecordSizeInKiB` streams were created with, when not the default. */
  private readonly recordSizes = new Map<string, number>();
  /**
   * The settings of streams DELETING: reported as they were until the stream is gone (AWS
   * describes a DELETING stream as it was), while everything else forgets them at once.
   */
  private readonly deletingSettings = new Map<string, StreamSettings>();

  constructor(private readonly parts: StreamBookkeepingParts) {
    // A deleted stream's state is dropped again once it is gone; not if a stream of that name
    // was created meanwhile (its state is the new stream's).
    this.settling = new StreamSettleWatcher(parts.admin, (streamName, dropBudgets, status) => {
      const gone = dropBudgets && status === undefined && this.deleted.has(streamName);
      if (gone) this.deletingSettings.delete(streamName);
      if (dropBudgets) this.deleted.delete(streamName);
      this.forgetStream(streamName, gone);
    });
  }

  /** Forgets what is known of a stream's shards (after it was created, deleted or resharded). */
  forgetStream(streamName: string, dropBudgets: boolean): void {
    this.parts.shardMaps.invalidate(streamName);
    if (!dropBudgets) return;
    for (const part of this.parts.perStream) part.forgetStream(streamName);
  }

  /** Records the capacity mode of a stream created (or, undefined, deleted) without the front. */
  recordStream(streamName: string, mode: StreamMode | undefined): void {
    const { modes, tags, policies, retention, monitoring, encryption } = this.parts;
    this.keepWhileDeleting(streamName, mode === undefined);
    modes.record(streamName, mode);
    this.recordSizes.delete(streamName);
    encryption.forget(streamName);
    tags.forgetStream(streamName);
    policies.forgetStream(streamName);
    retention.forget(streamName);
    monitoring.forget(streamName);
  }

  /**
   * What the front keeps of a stream after a request was passed on: the settings of a stream
   * created or deleted, and (resharding) the shard maps and budgets to drop once it settles.
   */
  afterForwarded(
    operation: string,
    streamName: string,
    payload: JsonObject,
    createdMode: StreamMode | undefined,
    answer: UpstreamAnswer,
  ): void {
    const { tags, policies, retention, monitoring, modes, encryption } = this.parts;
    const succeeded = answer.status === 200;
    const createdOrDeleted = operation === 'CreateStream' || operation === 'DeleteStream';
    if (succeeded && createdOrDeleted) {
      this.keepWhileDeleting(streamName, operation === 'DeleteStream');
      tags.forgetStream(streamName);
      policies.forgetStream(streamName);
      retention.forget(streamName);
      monitoring.forget(streamName);
      encryption.forget(streamName);
      modes.record(streamName, operation === 'CreateStream' ? createdMode : undefined);
      this.recordSizes.delete(streamName);
      const size = requestedMaxRecordSizeKiB(payload);
      if (operation === 'CreateStream' && size !== undefined) this.recordSizes.set(streamName, size);
      // CreateStream's Tags (checked before it was passed on) are the stream's from the start:
      // listed while it is CREATING, changed or removed by the tag operations meanwhile.
      if (operation === 'CreateStream' && isTagMap(payload.Tags)) tags.tagStream(streamName, payload.Tags);
      // Its shards count against the account's limit while it is CREATING (the store has none yet).
      if (operation === 'CreateStream' && typeof payload.ShardCount === 'number') {
        this.parts.operations.noteCreating(streamName, payload.ShardCount);
      }
      if (operation === 'CreateStream') this.deleted.delete(streamName);
      else this.deleted.add(streamName);
    }
    // The shard a split opens counts against the account's limit while it is UPDATING.
    if (succeeded && operation === 'SplitShard') this.parts.operations.noteSplit(streamName);
    if (!RESHARDING_OPERATIONS.has(operation)) return;
    this.forgetStream(streamName, createdOrDeleted);
    // The change lands after the status delay; a shard map loaded meanwhile is stale then.
    if (succeeded) {
      // A created stream's state was dropped above: what it gains once ACTIVE (consumers
      // registered before this watch sees it settle) is the new stream's.
      this.settling.watch(streamName, operation === 'DeleteStream');
    }
  }

  /** Whether the stream is UPDATING through the front (scaling, a capacity mode or encryption change). */
  isUpdating(streamName: string): boolean {
    const { operations, modes, encryption } = this.parts;
    return (
      operations.isUpdating(streamName) || modes.isUpdating(streamName) || encryption.isUpdating(streamName)
    );
  }

  /** The status the front shows for a stream the backing store reports in `status`. */
  statusOf(streamName: string, status: string | undefined): string | undefined {
    if (this.isUpdating(streamName)) return 'UPDATING';
    return status;
  }

  /** What DescribeStream(Summary) adds to the backing store's description of a stream. */
  factsOf(streamName: string): StreamFacts {
    return {
      ...(this.deletingSettings.get(streamName) ?? this.settingsOf(streamName)),
      updating: this.isUpdating(streamName),
      consumerCount: this.parts.consumerCount(streamName),
    };
  }

  /** The capacity mode ListStreams reports (a DELETING stream's as it was). */
  modeOf(streamName: string): StreamMode {
    return this.deletingSettings.get(streamName)?.mode ?? this.parts.modes.modeOf(streamName);
  }

  /** Forgets the settings kept of a stream deleted beside the front, once it is gone. */
  streamGone(streamName: string): void {
    this.deletingSettings.delete(streamName);
  }

  /**
   * Keeps the settings of a stream being deleted to report until it is gone (those of its first
   * deletion: a repeated one finds them forgotten); forgets them when a stream is created.
   */
  private keepWhileDeleting(streamName: string, deleting: boolean): void {
    if (!deleting) this.deletingSettings.delete(streamName);
    else if (!this.deletingSettings.has(streamName)) {
      this.deletingSettings.set(streamName, this.settingsOf(streamName));
    }
  }

  private settingsOf(streamName: string): StreamSettings {
    const { modes, retention, monitoring, encryption } = this.parts;
    return {
      mode: modes.modeOf(streamName),
      retentionHours: retention.hoursOf(streamName),
      shardLevelMetrics: monitoring.metricsOf(streamName),
      encryption: encryption.factsOf(streamName),
      maxRecordSizeKiB: this.recordSizes.get(streamName) ?? DEFAULT_MAX_RECORD_SIZE_KIB,
    };
  }

  /** Stops watching streams settle; resolves once every watch has ended. */
  close(): Promise<void> {
    return this.settling.close();
  }
}
