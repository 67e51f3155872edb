/** One budget per shard of each stream, made on first use. */
export class ShardBudgets<Budget> {
  private readonly budgets = new Map<string, Budget>();

  constructor(private readonly create: () => Budget) {}

  get(streamName: string, shardId: string): Budget {
    const key = `${streamName}\u0000${shardId}`;
    let budget = this.budgets.get(key);
    if (budget === undefined) {
      budget = this.create();
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** Drops the budgets of a stream's shards (after it was created or deleted). */
  forgetStream(streamName: string): void {
    const prefix = `${streamName}\u0000`;
    for (const key of this.budgets.keys()) if (key.startsWith(prefix)) this.budgets.delete(key);
  }
}
