import type { Checkpointer } from '../checkpointers/Checkpointer.js';

/** What the checkpointer conformance suite's setup gives each test. */
export interface CheckpointerFixture {
  readonly checkpointer: Checkpointer;
  /** Lets `ms` milliseconds pass: moves a fake clock, or sleeps under real time. */
  advanceTime(ms: number): Promise<void>;
  /** A stream name no other test uses. The suite also uses `${streamName}-other`. */
  readonly streamName: string;
  /**
   * Opens another instance over the same store, as a second process of the group would (for a
   * shared store: Redis, DynamoDB, a database). The suite then checks that leases are exclusive
   * and positions shared across instances, not only inside one; it closes the instances it
   * opened. Without it those tests use `checkpointer` twice and cannot see a lock, cache or
   * read-then-write that holds inside one instance only.
   */
  connect?(): Promise<Checkpointer>;
  /** Frees what setup created; must tolerate a checkpointer that is already closed. */
  cleanup(): Promise<void>;
}
