import { CheckpointerClosedError } from '../checkpointers/errors/CheckpointerClosedError.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { SHARD, SHARD_1, type ConformanceSuite } from './ConformanceSuite.js';
import { describeError } from './describeError.js';

/** What is wrong with the error a call failed with while the store was unreachable, if anything. */
function storeErrorFlaw(error: unknown): string | undefined {
  if (error instanceof LeaseLostError)
    return (
      `${describeError(error)}: an unreachable store is not a lost lease (the consumer drops the ` +
      'shard on a LeaseLostError instead of retrying)'
    );
  if (error instanceof CheckpointerClosedError)
    return `${describeError(error)}: the checkpointer was not closed, its store was unreachable`;
  if (!(error instanceof RxjsKinesisError))
    return (
      `${describeError(error)}, not an error of rxjs-kinesis (RxjsKinesisError or a subclass, imported in ` +
      'the same module format as the suite): the consumer cannot tell whether to retry'
    );
  if (error.retriable !== true)
    return `${describeError(error)} with retriable ${String(error.retriable)}: an outage is worth retrying`;
  if (error.cause === undefined)
    return `${describeError(error)} without a cause: give the store's own error as \`cause\``;
  return undefined;
}

/**
 * Store failures, for fixtures that can make the store unreachable (`failStore`): every call fails
 * with an error the consumer can act on. Without `failStore` the test makes no call.
 */
export function conformanceStoreErrors(s: ConformanceSuite): void {
  const { describe, it } = s.api;
  describe('store failures', () => {
    it("fails with retriable errors of this package, the store's error as cause, while the store is unreachable", async () => {
      const fixture = s.fixture;
      if (fixture.failStore === undefined) return;
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await fixture.failStore();
      // Writes cannot succeed without the store; reads may answer from a cache, but when they
      // fail the error must say whether to retry as well.
      const calls: [name: string, mustFail: boolean, call: () => Promise<unknown>][] = [
        ['checkpoint()', true, () => s.cp.checkpoint(lease, { sequenceNumber: '1' })],
        ['renewLease()', true, () => s.cp.renewLease(lease)],
        ['acquireLease()', true, () => s.cp.acquireLease(s.stream, SHARD_1, 'worker-b')],
        ['getCheckpoint()', false, () => s.cp.getCheckpoint(s.stream, SHARD)],
        ['listLeases()', false, () => s.cp.listLeases(s.stream)],
      ];
      const outcomes = await Promise.allSettled(calls.map(([, , call]) => call()));
      const flaws: string[] = [];
      outcomes.forEach((outcome, i) => {
        const [name, mustFail] = calls[i];
        if (outcome.status === 'fulfilled') {
          if (mustFail) flaws.push(`${name} resolved, though the store was unreachable`);
          return;
        }
        const flaw = storeErrorFlaw(outcome.reason);
        if (flaw !== undefined) flaws.push(`${name} failed with ${flaw}`);
      });
      if (flaws.length > 0)
        throw new Error(`while the store was unreachable (the fixture's failStore()): ${flaws.join('; ')}`);
    });
  });
}
