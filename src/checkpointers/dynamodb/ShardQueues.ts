/**
 * Runs the lease operations on one shard one after another, so each sees the counter the last
 * one wrote. Bounded: a shard's queue is dropped once it drains.
 */
export class ShardQueues {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `operation` after every earlier operation queued under `key` settled. */
  serialized<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return result;
  }
}
