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
  /**
   * Makes the store unreachable for the rest of the test, as an outage would (stop a relay or
   * proxy in front of it, stop the server, cut the client's connection). The suite then checks
   * that the calls fail with errors the consumer can act on: this package's error classes, with
   * `retriable` true and the store's own error as `cause`. Without it that test makes no call.
   * `cleanup` must work after it.
   */
  failStore?(): Promise<void>;
  /**
   * Makes the store stop answering (requests wait, they do not fail) until the function it
   * resolves to is called, which lets them through again. Called before any other call of the
   * test, on the fixture's fresh checkpointer. Declares that the checkpointer, a LeaseCoordinator,
   * honours `HeartbeatOptions.signal` (optional for implementations): a heartbeat that waits so
   * before it writes (e.g. for its table's set-up) ends, rejecting, when the signal aborts, and
   * nothing of it is written later. Without it that test makes no call (its name says so).
   */
  holdStore?(): Promise<() => Promise<void>>;
  /**
   * How many timers the checkpointer still has on a scheduler of the fixture's (an injected
   * scheduler, fake timers), which Node's own timers do not show. The suite expects 0 once the
   * checkpointer is closed and `cleanup` ran. Node's own timers and handles the checkpointer
   * started are checked without it.
   */
  scheduledTimers?(): number | Promise<number>;
  /** Frees what setup created; must tolerate a checkpointer that is already closed. */
  cleanup(): Promise<void>;
}
