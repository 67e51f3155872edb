import type { Checkpointer, Lease } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import type { CheckpointerFixture } from './CheckpointerFixture.js';
import type { ConformanceTestApi } from './ConformanceTestApi.js';
import { rejectionOf } from './rejectionOf.js';

export const SHARD = 'shardId-000000000000';
export const SHARD_1 = 'shardId-000000000001';
export const SHARD_2 = 'shardId-000000000002';

/**
 * What the parts of the checkpointer conformance suite share: the test API and, during a test,
 * that test's fixture (set before each test by `startTest`).
 */
export class ConformanceSuite {
  #fixture: CheckpointerFixture | undefined;

  constructor(readonly api: ConformanceTestApi) {}

  startTest(fixture: CheckpointerFixture): void {
    this.#fixture = fixture;
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

  async leaseLost(operation: () => Promise<unknown>): Promise<LeaseLostError> {
    const error = await rejectionOf(operation);
    this.api.expect(error).toBeInstanceOf(LeaseLostError);
    return error as LeaseLostError;
  }
}
