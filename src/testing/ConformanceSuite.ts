import type { Checkpointer, Lease } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import type { CheckpointerFixture } from './CheckpointerFixture.js';
import type { ConformanceTestApi } from './ConformanceTestApi.js';
import { rejectionOf } from './rejectionOf.js';
import { describeError } from './describeError.js';

export const SHARD = 'shardId-000000000000';
export const SHARD_1 = 'shardId-000000000001';
export const SHARD_2 = 'shardId-000000000002';

/**
 * What the parts of the checkpointer conformance suite share: the test API and, during a test,
 * that test's fixture (set before each test by `startTest`).
 */
export class ConformanceSuite {
  #fixture: CheckpointerFixture | undefined;
  #peers: Checkpointer[] = [];

  /** `setup` is the user's: tests that need a fixture of their own (made under watch) call it. */
  constructor(
    readonly api: ConformanceTestApi,
    readonly setup: () => Promise<CheckpointerFixture>,
  ) {}

  startTest(fixture: CheckpointerFixture): void {
    this.#fixture = fixture;
    this.#peers = [];
  }

  /** Closes the instances `peer()` opened during the test, then runs the fixture's cleanup. */
  async endTest(): Promise<void> {
    const peers = this.#peers;
    this.#peers = [];
    await Promise.allSettled(peers.map((peer) => peer.close()));
    await this.fixture.cleanup();
  }

  /**
   * A second instance over the checkpointer's store (the fixture's `connect`), closed after the
   * test; the fixture's checkpointer itself when the fixture has no `connect`.
   */
  async peer(): Promise<Checkpointer> {
    const connect = this.fixture.connect;
    if (connect === undefined) return this.cp;
    const peer = await connect();
    this.#peers.push(peer);
    return peer;
  }

  get fixture(): CheckpointerFixture {
    if (this.#fixture === undefined) throw new Error('no conformance test is running');
    return this.#fixture;
  }

  get cp(): Checkpointer {
    return this.fixture.checkpointer;
  }

  get stream(): string {
    return this.fixture.streamName;
  }

  get duration(): number {
    return this.cp.leaseDurationMs;
  }

  /** Lets long enough pass for any lease acquired or renewed before the call to have expired. */
  letLeasesExpire(): Promise<void> {
    return this.fixture.advanceTime(this.duration + Math.ceil(this.duration / 4) + 20);
  }

  async mustAcquire(shardId: string, owner: string, streamName = this.stream): Promise<Lease> {
    const lease = await this.cp.acquireLease(streamName, shardId, owner);
    if (lease === undefined) throw new Error(`expected ${owner} to acquire ${shardId}`);
    return lease;
  }

  /**
   * Runs a call that must fail with LeaseLostError; `what` names it and the rule in the failure
   * message, e.g. "checkpoint() through a lease that was released".
   */
  async leaseLost(what: string, operation: () => Promise<unknown>): Promise<LeaseLostError> {
    const error = await rejectionOf(what, 'LeaseLostError', operation);
    if (!(error instanceof LeaseLostError)) {
      throw new Error(
        `expected ${what} to fail with LeaseLostError from rxjs-kinesis (imported in the same module ` +
          `format as the suite), but it failed with ${describeError(error)}`,
      );
    }
    return error;
  }

  /** Runs a call that must fail with `errorClass`; `what` names it and the rule in the failure message. */
  async failsWith(
    what: string,
    errorClass: abstract new (...args: never[]) => Error,
    operation: () => Promise<unknown>,
  ): Promise<void> {
    const error = await rejectionOf(what, errorClass.name, operation);
    if (!(error instanceof errorClass)) {
      throw new Error(
        `expected ${what} to fail with ${errorClass.name} from rxjs-kinesis (imported in the same module ` +
          `format as the suite), but it failed with ${describeError(error)}`,
      );
    }
  }
}
