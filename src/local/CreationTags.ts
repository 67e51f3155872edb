/**
 * The Tags of CreateStream requests, which kinesalite ignores: they are given to the stream once
 * the backing store has it ACTIVE, and the front shows the stream CREATING until then.
 */
export class CreationTags {
  private readonly pending = new Map<string, Record<string, string>>();

  /** `tagStream` gives a stream its tags (kept by the front). */
  constructor(private readonly tagStream: (streamName: string, tags: Record<string, string>) => void) {}

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

  /** Tags the stream (once the store has it ACTIVE). */
  apply(streamName: string): Promise<void> {
    const tags = this.pending.get(streamName);
    this.pending.delete(streamName);
    if (tags !== undefined) this.tagStream(streamName, tags);
    return Promise.resolve();
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
