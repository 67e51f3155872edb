import { AddTagsToStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * The Tags of CreateStream requests, which kinesalite ignores: they are given to the stream once
 * the backing store has it ACTIVE (kinesalite overwrites tags added while it is CREATING), and
 * the front shows the stream CREATING until then.
 */
export class CreationTags {
  private readonly pending = new Map<string, Record<string, string>>();

  constructor(private readonly admin: KinesisClient) {}

  /** Keeps the Tags of a CreateStream that succeeded; false if it gave none. */
  hold(streamName: string, tags: unknown): boolean {
    if (!isTags(tags)) return false;
    this.pending.set(streamName, tags);
    return true;
  }

  /** Whether a stream still waits for its tags. */
  isPending(streamName: string): boolean {
    return this.pending.has(streamName);
  }

  /** Tags the stream (once the store has it ACTIVE); the tags are dropped even if this fails. */
  async apply(streamName: string): Promise<void> {
    const tags = this.pending.get(streamName);
    try {
      if (tags !== undefined) {
        await this.admin.send(new AddTagsToStreamCommand({ StreamName: streamName, Tags: tags }));
      }
    } finally {
      this.pending.delete(streamName);
    }
  }
}

/** A CreateStream `Tags` map with at least one tag. */
function isTags(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((tag) => typeof tag === 'string')
  );
}
