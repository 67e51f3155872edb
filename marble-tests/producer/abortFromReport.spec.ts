// Producer.close({ abort: true }) (or a close({ timeoutMs }) deadline) from inside a reports$
// subscriber, while a PutRecords answer is being reported: the other items of that answer are
// settled after the abort, in the same turn, and their reports still reach reports$ before it
// completes. Before, reports$ completed at the abort: a subscriber never heard of them (their
// send() promises were settled all the same).
import { TestScheduler } from 'rxjs/testing';
import { Producer } from '../../src/producer/Producer.js';
import { FakeKinesis } from './support/fakeKinesis.js';

describe('an abort from inside a report', () => {
  it.each([
    ['a delivered report', undefined],
    ['a failed report', 'b'],
  ])('from %s: every item of the answer reaches reports$, then it completes', async (_, refused) => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const heard: string[] = [];
    const sends: Promise<string>[] = [];
    let aborted: Promise<void> | undefined;
    scheduler.run(() => {
      // One call for all four items; `refused` is refused as invalid on its own (fails at once).
      const fake = new FakeKinesis(scheduler, {
        latencyMs: 10,
        entryFault: ({ data }) => (data === `"${refused}"` ? 'InvalidArgumentException' : undefined),
      });
      const producer = new Producer<string>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        bufferTime: 5,
        scheduler,
      });
      producer.reports$.subscribe({
        next: (report) => {
          heard.push(`${report.item} ${report.status}`);
          aborted ??= producer.close({ abort: true });
        },
        complete: () => heard.push('complete'),
      });
      for (const item of ['a', 'b', 'c', 'd']) {
        sends.push(
          producer.send(item).then(
            (report) => `${report.item} ${report.status}`,
            () => `${item} failed`,
          ),
        );
      }
    });
    await expect(aborted).resolves.toBeUndefined();
    const outcomes = await Promise.all(sends);
    expect(heard).toHaveLength(5);
    expect(heard[4]).toBe('complete');
    expect(heard.slice(0, 4).sort()).toEqual([...outcomes].sort());
    expect(outcomes).toEqual(
      ['a', 'b', 'c', 'd'].map((item) => `${item} ${item === refused ? 'failed' : 'delivered'}`),
    );
  });
});
