import { VirtualTimeScheduler, type Subscriber } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import type { LedgerSink, ReadingLink } from '../../src/consumer/RecordTracking.js';
import { SubscriberLedger } from '../../src/consumer/SubscriberLedger.js';

function setUp() {
  const scheduler = new VirtualTimeScheduler();
  const ledger = new SubscriberLedger(1, {} as Subscriber<KinesisRecord>, scheduler, undefined);
  const commit = jest.fn(() => Promise.resolve());
  const reading = { shardId: 'shardId-000000000000', commit } as unknown as ReadingLink;
  return { scheduler, ledger, commit, reading };
}

test('drops before any checkpoint() showed itself are written after a while', () => {
  const { scheduler, ledger, commit, reading } = setUp();
  ledger.settledByDrop(reading);
  scheduler.flush();
  expect(commit).toHaveBeenCalledTimes(1);
});

// deserialize() settles a dead-lettered record once its asynchronous hook resolves, which may be
// after the subscriber left: that used to start a 5 s timer the stopped consumer never cleared.
test('after the subscriber left, a drop starts no timer and writes nothing', () => {
  const { scheduler, ledger, commit, reading } = setUp();
  ledger.close();
  ledger.settledByDrop(reading);
  expect(scheduler.actions).toHaveLength(0);
  scheduler.flush();
  expect(commit).not.toHaveBeenCalled();
});

test('after the subscriber left, its checkpoint() sinks are no longer told about drops', () => {
  const { ledger, reading } = setUp();
  const sink: LedgerSink = { intervalMs: 0, settled: jest.fn(), forwards: () => false, isOpen: () => true };
  ledger.addSink(sink);
  ledger.close();
  ledger.addSink(sink);
  ledger.settledByDrop(reading);
  expect(sink.settled).not.toHaveBeenCalled();
});

test('distrustAll() reaches the consumer while the subscriber is there, not after it left', () => {
  const distrust = jest.fn();
  const ledger = new SubscriberLedger(
    1,
    {} as Subscriber<KinesisRecord>,
    new VirtualTimeScheduler(),
    undefined,
    distrust,
  );
  ledger.distrustAll();
  expect(distrust).toHaveBeenCalledTimes(1);
  ledger.close();
  ledger.distrustAll();
  expect(distrust).toHaveBeenCalledTimes(1);
});
