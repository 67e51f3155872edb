import type { Server } from 'node:http';
import { requireOptional } from '../optional/requireOptional.js';

interface KinesaliteOptions {
  readonly createStreamMs?: number;
  readonly deleteStreamMs?: number;
  readonly updateStreamMs?: number;
  readonly shardLimit?: number;
}

/**
 * kinesalite, loaded on first call: it is an optional peer dependency, needed only by the
 * embedded local Kinesis (`rxjs-kinesis/local`, the CLI's `local` and `demo`). Throws
 * MissingPeerDependencyError ("npm install kinesalite") when it is not installed.
 */
export function kinesalite(options: KinesaliteOptions): Server {
  const create = requireOptional<(options: KinesaliteOptions) => Server>(
    'kinesalite',
    'The local Kinesis (startLocalKinesis)',
  );
  return create(options);
}
