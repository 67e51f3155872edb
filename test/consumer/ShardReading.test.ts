import type { _Record } from '@aws-sdk/client-kinesis';
import { asyncScheduler } from 'rxjs';
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { ReadingSourceParams } from '../../src/consumer/ReadingSource.js';
import type { LedgerLink } from '../../src/consumer/RecordTracking.js';
import { newShardCounters } from '../../src/consumer/ShardCounters.js';
import { ShardReading } from '../../src/consumer/ShardReading.js';
import { AbortedError } from '../../src/kinesis/errors/AbortedError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

type Callbacks = Pick<ReadingSourceParams, 'onRecords' | 'onEnd' | 'onError' | 'onStalled'>;

async function setUp() {
  const checkpointer = new MemoryCheckpointer();
  const events: ConsumerEvent[] = [];
  const leases = new LeaseManager({
    checkpointer,
    streamName: STREAM,
    workerId: 'w1',
    scheduler: asyncScheduler,
    onEvent: (event) => events.push(event),
    onLost: () => undefined,
  });
  const gate = new InFlightGate(100);
  const finished: string[] = [];
  const unwritten: CheckpointPosition[] = [];
  const stalled: string[] = [];
  const timers: (() => void)[] = [];
  const withdrawHandoff = jest.fn((_shardId: string, _requester: string) => Promise.resolve());
  let callbacks: Callbacks | undefined;
  const source = { start: jest.fn(), stop: jest.fn() };
  const lease = await leases.acquire(SHARD);
  if (lease === undefined) throw new Error('no lease');
  const ledger: LedgerLink = {
    id: 1,
    passedLast: new WeakMap(),
    addSink: jest.fn(),
    removeSink: jest.fn(),
    settledByDrop: jest.fn(),
    distrustAll: jest.fn(),
  };
  const reading = new ShardReading(
    SHARD,
    lease.token,
    {
      streamName: STREAM,
      workerId: 'w1',
      checkpointer,
      leases,
      gate,
      emit: (self, records) => {
        for (const record of records) self.progress.add(record.SequenceNumber ?? '', [ledger.id], 0);
      },
      onEvent: (event) => events.push(event),
      onFinished: (self) => finished.push(self.state),
      onUnwritten: (_shardId, position) => unwritten.push(position),
      withdrawHandoff,
      onError: () => undefined,
      handoffDrainMs: () => 60_000,
      onStalled: (shardId) => stalled.push(shardId),
      now: () => Date.now(),
      timer: (_ms, callback) => {
        timers.push(callback);
        return () => timers.splice(timers.indexOf(callback), 1);
      },
    },
    newShardCounters(),
    (params) => {
      callbacks = params;
      return source;
    },
  );
  reading.start();
  /** The source delivers records (counted in the gate as a poller does). */
  const deliver = (...sequenceNumbers: string[]) => {
    gate.settleReservation(gate.reserve(sequenceNumbers.length), sequenceNumbers.length);
    callbacks?.onRecords(
      sequenceNumbers.map((SequenceNumber): _Record => ({
        SequenceNumber,
        Data: new Uint8Array(0),
        PartitionKey: 'k',
      })),
      { records: [] },
    );
  };
  const flush = () => new Promise((resolve) => setTimeout(resolve, 10));
  const cleanUp = () => leases.releaseAll();
  return {
    withdrawHandoff,
    checkpointer,
    leases,
    gate,
    events,
    finished,
    unwritten,
    stalled,
    timers,
    callbacks: () => callbacks,
    source,
    ledger,
    reading,
    deliver,
    flush,
    cleanUp,
  };
}

test('read to its end: SHARD_END is written only once every record settled, then the lease is released', async () => {
  const t = await setUp();
  t.deliver('1', '2');
  t.callbacks()?.onEnd([]);
  expect(t.reading.state).toBe('draining');
  t.reading.passed(t.ledger, '1', undefined);
  await t.flush();
  expect(t.reading.state).toBe('draining');
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toBeUndefined();
  t.reading.passed(t.ledger, '2', undefined);
  await t.flush();
  expect(t.reading.state).toBe('ended');
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({ kind: 'shard-end' });
  expect((await t.checkpointer.listLeases(STREAM))[0]?.owner).toBeUndefined();
  expect(t.finished).toEqual(['ended']);
  expect(t.gate.inFlight).toBe(0);
  expect(t.reading.signal.aborted).toBe(false);
  await t.cleanUp();
});

test('a write under way when the lease is lost is never made; the finished position is kept for later', async () => {
  const t = await setUp();
  t.deliver('1', '2');
  t.reading.passed(t.ledger, '1', undefined);
  const writing = t.reading.commit();
  t.reading.leaseLost();
  await writing;
  await t.flush();
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toBeUndefined();
  expect(t.events.some((event) => event.type === 'checkpoint-written')).toBe(false);
  expect(t.unwritten).toEqual([{ sequenceNumber: '1' }]);
  expect(t.reading.state).toBe('lost');
  expect(t.reading.signal.aborted).toBe(true);
  expect(t.source.stop).toHaveBeenCalled();
  // Record 2 is still in the pipeline (in memory): it keeps its budget until it passes.
  expect(t.gate.inFlight).toBe(1);
  expect(t.timers).toHaveLength(1);
  // Late reports of the lost reading write nothing; they give the budget back.
  t.reading.passed(t.ledger, '2', undefined);
  await t.reading.commit();
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toBeUndefined();
  expect(t.gate.inFlight).toBe(0);
  expect(t.timers).toHaveLength(0);
  expect(t.finished).toEqual(['lost']);
  await t.cleanUp();
});

test('records of a lost lease that never pass (dropped on abortSignal) give their budget back after a lease duration, or at release', async () => {
  const t = await setUp();
  t.deliver('1', '2', '3');
  t.reading.passed(t.ledger, '1', undefined);
  t.reading.leaseLost();
  expect(t.gate.inFlight).toBe(2);
  expect(t.reading.settlement.holding).toBe(true);
  // The lease duration went by: what is still held is given back.
  t.timers[0]?.();
  expect(t.gate.inFlight).toBe(0);
  expect(t.reading.settlement.holding).toBe(false);
  // A late pass after that changes nothing.
  t.reading.passed(t.ledger, '3', undefined);
  expect(t.gate.inFlight).toBe(0);

  const u = await setUp();
  u.deliver('1', '2');
  u.reading.leaseLost();
  expect(u.gate.inFlight).toBe(2);
  // The consumer stops: released at once, the timer cancelled.
  u.reading.settlement.releaseHeld();
  expect(u.gate.inFlight).toBe(0);
  expect(u.timers).toHaveLength(0);
  await t.cleanUp();
  await u.cleanUp();
});

test('handOver waits for the records in flight, writes, and releases', async () => {
  const t = await setUp();
  t.deliver('1', '2');
  t.reading.passed(t.ledger, '1', undefined);
  const handing = t.reading.handOver('w2', 60_000);
  expect(t.reading.state).toBe('releasing');
  expect(t.source.stop).toHaveBeenCalled();
  await t.flush();
  expect(t.reading.state).toBe('releasing');
  t.reading.passed(t.ledger, '2', undefined);
  await handing;
  expect(t.reading.state).toBe('released');
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: '2' },
  });
  expect(t.events).toContainEqual({
    type: 'handoff-completed',
    shardId: SHARD,
    requester: 'w2',
    drained: true,
  });
  expect(t.timers).toEqual([]);
  await t.cleanUp();
});

test('a stalled source (reads timing out) reports shard-stalled, drains, writes and releases the lease', async () => {
  const t = await setUp();
  t.deliver('1', '2');
  t.reading.passed(t.ledger, '1', undefined);
  const error = new RequestTimeoutError('request timed out');
  t.callbacks()?.onStalled?.(error, 3);
  expect(t.events).toContainEqual({ type: 'shard-stalled', shardId: SHARD, timeouts: 3, error });
  expect(t.stalled).toEqual([SHARD]);
  expect(t.reading.state).toBe('releasing');
  expect(t.source.stop).toHaveBeenCalled();
  await t.flush();
  expect(t.leases.get(SHARD)?.token).toBe(t.reading.token);
  t.reading.passed(t.ledger, '2', undefined);
  await t.flush();
  expect(t.reading.state).toBe('released');
  expect(t.leases.get(SHARD)).toBeUndefined();
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: '2' },
  });
  // A second stall report of a reading that moved on does nothing.
  t.callbacks()?.onStalled?.(error, 4);
  expect(t.events.filter((e) => e.type === 'shard-stalled')).toHaveLength(1);
  await t.cleanUp();
});

test('stop() writes the finished prefix only and releases the lease', async () => {
  const t = await setUp();
  t.deliver('1', '2', '3');
  t.reading.passed(t.ledger, '1', undefined);
  await t.reading.stop();
  expect(t.reading.state).toBe('stopped');
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: '1' },
  });
  expect((await t.checkpointer.listLeases(STREAM))[0]?.owner).toBeUndefined();
  expect(t.gate.inFlight).toBe(0);
  await t.cleanUp();
});

test('a handoff whose records do not drain in time keeps the lease, withdraws the request and hands over once drained', async () => {
  const t = await setUp();
  t.deliver('1', '2');
  const handing = t.reading.handOver('w2', 1000);
  await t.flush();
  expect(t.timers).toHaveLength(1);
  t.timers[0]?.(); // the drain timeout passes with both records in flight
  await t.flush();
  expect(t.events).toContainEqual({ type: 'handoff-timeout', shardId: SHARD, requester: 'w2', inFlight: 2 });
  expect(t.withdrawHandoff).toHaveBeenCalledWith(SHARD, 'w2');
  expect(t.reading.state).toBe('releasing');
  expect(t.leases.get(SHARD)?.token).toBe(t.reading.token);
  t.reading.passed(t.ledger, '2', undefined);
  await handing;
  expect(t.reading.state).toBe('released');
  expect(t.events).toContainEqual({
    type: 'handoff-completed',
    shardId: SHARD,
    requester: 'w2',
    drained: true,
  });
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: '2' },
  });
  await t.cleanUp();
});

test('distrust() writes nothing more (not even at the stop it starts) and releases the lease', async () => {
  const t = await setUp();
  t.deliver('1', '2', '3');
  t.reading.passed(t.ledger, '1', undefined);
  await t.reading.commit();
  t.reading.passed(t.ledger, '3', undefined);
  t.reading.distrust();
  await t.reading.commit();
  await t.flush();
  expect(t.reading.state).toBe('stopped');
  expect(t.finished).toEqual(['stopped']);
  expect(t.leases.get(SHARD)).toBeUndefined();
  expect(t.unwritten).toEqual([]);
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: '1' },
  });
  await t.cleanUp();
});

test('distrust() of a shard read to its end writes no SHARD_END', async () => {
  const t = await setUp();
  t.deliver('1');
  t.callbacks()?.onEnd([]);
  t.reading.distrust();
  t.reading.passed(t.ledger, '1', undefined);
  await t.flush();
  expect(t.reading.state).toBe('stopped');
  expect(await t.checkpointer.getCheckpoint(STREAM, SHARD)).toBeUndefined();
  await t.cleanUp();
});

test('a lease lost while a checkpoint was under way is reported lost once, though the write then fails with LeaseLostError', async () => {
  const t = await setUp();
  let failWrite: (error: unknown) => void = () => undefined;
  jest
    .spyOn(t.checkpointer, 'checkpoint')
    .mockImplementation(() => new Promise((_resolve, reject) => (failWrite = reject)));
  t.deliver('1');
  t.reading.passed(t.ledger, '1', undefined);
  const writing = t.reading.commit();
  await t.flush();
  expect(t.checkpointer.checkpoint).toHaveBeenCalledTimes(1);
  // The lease's deadline passes while the write is under way: the manager reports the loss, and
  // the consumer stops the reading.
  const lostAt = Date.now() + t.checkpointer.leaseDurationMs + 1;
  const clock = jest.spyOn(Date, 'now').mockReturnValue(lostAt);
  try {
    expect(t.leases.get(SHARD)).toBeUndefined();
    t.reading.leaseLost();
    failWrite(new LeaseLostError({ streamName: STREAM, shardId: SHARD, expectedOwner: 'w1' }));
    await writing;
    expect(t.events.filter((event) => event.type === 'lease-lost')).toHaveLength(1);
    expect(t.reading.state).toBe('lost');
  } finally {
    clock.mockRestore();
    await t.cleanUp();
  }
});

test('commits asked for while a write is under way wait as one write of the latest position: a slow store queues no write per call', async () => {
  const t = await setUp();
  const written: CheckpointPosition[] = [];
  let finishWrite: () => void = () => undefined;
  jest.spyOn(t.checkpointer, 'checkpoint').mockImplementation((_lease, position) => {
    written.push(position);
    return new Promise((resolve) => (finishWrite = () => resolve(true)));
  });
  const sequenceNumbers = Array.from({ length: 1000 }, (_, index) => String(index + 1));
  t.deliver(...sequenceNumbers);
  t.reading.passed(t.ledger, '1', undefined);
  const first = t.reading.commit();
  await t.flush();
  expect(written).toEqual([{ sequenceNumber: '1' }]);
  // While that write is under way, every commit asked for waits in one write queued behind it.
  const queued = new Set<Promise<void>>();
  for (const sequenceNumber of sequenceNumbers.slice(1)) {
    t.reading.passed(t.ledger, sequenceNumber, undefined);
    queued.add(t.reading.commit());
  }
  expect(queued.size).toBe(1);
  finishWrite();
  await t.flush();
  finishWrite();
  await Promise.all([first, ...queued]);
  expect(written).toEqual([{ sequenceNumber: '1' }, { sequenceNumber: '1000' }]);
  await t.cleanUp();
});

test("the records' abortSignal fires with a reason that tells why: LeaseLostError for a lost or handed-over lease, AbortedError for a stop, the error that failed the reading", async () => {
  const where = { context: { streamName: STREAM, shardId: SHARD }, retriable: false };
  // Lost, with the error that said so: that error.
  const lost = await setUp();
  const error = new LeaseLostError({
    streamName: STREAM,
    shardId: SHARD,
    expectedOwner: 'w1',
    actualOwner: 'w2',
  });
  lost.reading.leaseLost(error);
  expect(lost.reading.signal.reason).toBe(error);
  // Lost without one (its deadline found passed): a LeaseLostError naming this worker.
  const expired = await setUp();
  expired.reading.leaseLost();
  expect(expired.reading.signal.reason).toBeInstanceOf(LeaseLostError);
  expect(expired.reading.signal.reason).toMatchObject({ ...where, expectedOwner: 'w1' });
  // Handed over: the lease is another worker's (or free) now.
  const handed = await setUp();
  await handed.reading.handOver('w2', 60_000);
  expect(handed.reading.state).toBe('released');
  expect(handed.reading.signal.reason).toBeInstanceOf(LeaseLostError);
  expect(handed.reading.signal.reason).toMatchObject(where);
  // The consumer stopped reading the shard.
  const stopped = await setUp();
  await stopped.reading.stop();
  expect(stopped.reading.signal.reason).toBeInstanceOf(AbortedError);
  expect(stopped.reading.signal.reason).toMatchObject(where);
  // The source failed: the error the consumer fails with.
  const failed = await setUp();
  const failure = new RequestTimeoutError('request timed out');
  failed.callbacks()?.onError(failure);
  expect(failed.reading.state).toBe('failed');
  expect(failed.reading.signal.reason).toBe(failure);
  for (const t of [lost, expired, handed, stopped, failed]) await t.cleanUp();
});
