import type { AwsErrorAnswer } from './awsErrors.js';
import type { CreatingStreamLimit } from './CreatingStreamLimit.js';
import type { ShardOperations } from './ShardOperations.js';

/** A CreateStream's claims on the account limits: its refusal, or a release for its answer. */
export type CreationClaim =
  | { readonly refusal: AwsErrorAnswer }
  | { readonly release: (answer: Promise<{ readonly status: number }>) => void };

/**
 * Checks a CreateStream of `shards` shards against the account's shard limit and (with `limits`
 * on) its limit on streams CREATING at once. Each check passed holds its place until the backing
 * store's answer is given to `release`, so CreateStreams sent at once cannot pass a limit together.
 */
export async function claimCreation(
  operations: Pick<ShardOperations, 'claimShards'>,
  creatingStreams: Pick<CreatingStreamLimit, 'claim'> | undefined,
  streamName: string,
  shards: number,
): Promise<CreationClaim> {
  const held = await operations.claimShards(streamName, shards);
  if ('refusal' in held) return held;
  let claim;
  try {
    claim = await creatingStreams?.claim(streamName);
  } catch (error) {
    held.release(Promise.resolve({ status: 500 }));
    throw error;
  }
  if (claim !== undefined && 'refusal' in claim) {
    held.release(Promise.resolve({ status: 400 }));
    return claim;
  }
  return {
    release: (answer) => {
      held.release(answer);
      claim?.release(answer);
    },
  };
}
