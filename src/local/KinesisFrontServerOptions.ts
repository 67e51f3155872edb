import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { CorsPolicy } from './cors.js';
import type { ResolvedFanOutOptions } from './efo/LocalFanOutOptions.js';
import type { LocalKinesisFaults } from './LocalKinesisFaults.js';
import type { LocalKinesisLimits } from './LocalKinesisLimits.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import type { ShardMapCache } from './ShardMapCache.js';
import type { StoredStream } from './storedStreams.js';

/** What the local endpoint's front is built from (see startLocalKinesis). */
export interface KinesisFrontServerOptions {
  /** Where the backing store (kinesalite) listens. */
  readonly upstream: { readonly host: string; readonly port: number };
  readonly limits: Required<LocalKinesisLimits> | undefined;
  readonly faults: Required<LocalKinesisFaults>;
  readonly clock: () => number;
  readonly shardMaps: ShardMapCache;
  readonly stats: MutableLocalKinesisStats;
  /** A client of the backing store itself (no limits, no faults), for the front's own lookups. */
  readonly admin: KinesisClient;
  /** Region the endpoint reports (in error messages). */
  readonly region: string;
  /** How long a stream stays CREATING, UPDATING or DELETING (ms). */
  readonly streamStatusDelayMs: number;
  /** Most open shards over all streams. */
  readonly shardLimit: number;
  /** The stream records of the backing store, read from the store itself. */
  readonly storedStreams: () => Promise<readonly StoredStream[]>;
  /** Cross-origin access for browser pages (see cors.ts); undefined: off. */
  readonly cors?: CorsPolicy;
  /** How enhanced fan-out is served. */
  readonly efo: ResolvedFanOutOptions;
}
