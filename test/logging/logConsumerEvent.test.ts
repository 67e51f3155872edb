import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { consumerEventLogLine, logConsumerEvent } from '../../src/consumer/logConsumerEvent.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { writeLog } from '../../src/logging/writeLog.js';
import { CaptureLogger } from '../support/captureLogger.js';

const lost = new LeaseLostError({
  streamName: 's',
  shardId: 'shardId-1',
  expectedOwner: 'w1',
  actualOwner: 'w2',
});

const levels: readonly [ConsumerEvent, string, string][] = [
  [{ type: 'consumer-started', streamName: 's', workerId: 'w1' }, 'info', 'consumer started'],
  [{ type: 'consumer-stopped', streamName: 's', workerId: 'w1' }, 'info', 'consumer stopped'],
  [{ type: 'shards-discovered', shardIds: ['a', 'b'] }, 'debug', 'shards discovered'],
  [
    {
      type: 'shard-started',
      shardId: 'a',
      start: { iteratorType: 'TRIM_HORIZON', origin: 'configured' },
      parentShardIds: [],
    },
    'info',
    'shard started',
  ],
  [{ type: 'shard-ended', shardId: 'a', childShardIds: ['b'] }, 'info', 'shard ended'],
  [{ type: 'lease-acquired', shardId: 'a' }, 'info', 'lease acquired'],
  [{ type: 'lease-released', shardId: 'a' }, 'info', 'lease released'],
  [
    { type: 'lease-released', shardId: 'a', error: new ConnectionError('release timed out') },
    'warn',
    'lease released, left to run out',
  ],
  [{ type: 'lease-lost', shardId: 'a', error: lost }, 'warn', 'lease lost'],
  [{ type: 'lease-unavailable', shardId: 'a', reason: 'held', holder: 'w2' }, 'debug', 'lease unavailable'],
  [{ type: 'lease-unavailable', shardId: 'a', reason: 'same-worker-id' }, 'warn', 'lease unavailable'],
  [{ type: 'rebalance', target: 1, held: ['a'], liveWorkers: ['w1', 'w2'] }, 'info', 'rebalanced'],
  [{ type: 'handoff-requested', shardId: 'a', owner: 'w2', deadline: 5 }, 'info', 'handoff requested'],
  [
    { type: 'shard-stalled', shardId: 'a', timeouts: 3, error: new ConnectionError('read timed out') },
    'warn',
    'shard stalled: giving it up',
  ],
  [{ type: 'handoff-timeout', shardId: 'a', requester: 'w2', inFlight: 3 }, 'warn', 'handoff timed out'],
  [
    { type: 'handoff-completed', shardId: 'a', requester: 'w2', drained: true, reserved: true },
    'info',
    'handoff completed',
  ],
  [
    { type: 'handoff-completed', shardId: 'a', requester: 'w2', drained: true, reserved: false },
    'info',
    'handoff completed: lease released with no reservation, the requester was not live (or the lease was no longer held)',
  ],
  [
    { type: 'handoff-completed', shardId: 'a', requester: 'w2', drained: true, reserved: undefined },
    'info',
    'handoff completed',
  ],
  [
    {
      type: 'subscriber-behind',
      subscriberId: 1,
      records: 5,
      inFlight: 5,
      inFlightItems: 5,
      inFlightBytes: 50,
    },
    'warn',
    'subscriber behind',
  ],
  [{ type: 'throttled', shardId: 'a', delayMs: 100 }, 'debug', 'throttled'],
  [{ type: 'iterator-renewed', shardId: 'a', afterSequenceNumber: '1' }, 'debug', 'iterator renewed'],
  [
    { type: 'checkpoint-written', shardId: 'a', position: { sequenceNumber: '42' } },
    'debug',
    'checkpoint written',
  ],
  [
    {
      type: 'error-retried',
      shardId: 'a',
      operation: 'GetRecords',
      error: new ThrottledError('slow down'),
      attempt: 1,
      delayMs: 200,
    },
    'warn',
    'retrying after error',
  ],
];

describe('consumer event log lines', () => {
  it.each(levels)('%o is logged at %s as "%s"', (event, level, message) => {
    expect(consumerEventLogLine(event)).toMatchObject({ level, message });
  });

  it('writes the line with its details inline and as an object', () => {
    const logger = new CaptureLogger();
    logConsumerEvent(logger, { type: 'lease-lost', shardId: 'shardId-7', error: lost });
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line!.level).toBe('warn');
    expect(line!.message).toMatch(/^rxjs-kinesis: lease lost shardId=shardId-7 error=LeaseLostError: /);
    expect(line!.details).toEqual({
      shardId: 'shardId-7',
      error: expect.stringMatching(/^LeaseLostError: /),
    });
  });

  it('writes the position of a checkpoint, not the record', () => {
    const logger = new CaptureLogger();
    logConsumerEvent(logger, {
      type: 'checkpoint-written',
      shardId: 's-1',
      position: { sequenceNumber: '4955', subSequenceNumber: 2 },
    });
    expect(logger.lines[0]!.message).toBe('rxjs-kinesis: checkpoint written shardId=s-1 position=4955');
  });

  it('does nothing without a logger', () => {
    expect(() => logConsumerEvent(undefined, { type: 'lease-acquired', shardId: 'a' })).not.toThrow();
  });
});

describe('writeLog', () => {
  it('redacts URL user info in messages, details and errors, and secret-named details', () => {
    const logger = new CaptureLogger();
    const planted = 'pl4nted-s3cret';
    writeLog(logger, 'error', `cannot reach redis://app:${planted}@10.0.0.5:6379`, {
      url: `redis://app:${planted}@10.0.0.5:6379`,
      password: planted,
      error: new ConnectionError(`connect to https://user:${planted}@kinesis.local failed`),
      cause: new Error(`socket to redis://:${planted}@db:6379 closed`),
    });
    expect(logger.lines).toHaveLength(1);
    expect(logger.text()).not.toContain(planted);
    expect(logger.lines[0]!.message).toContain('10.0.0.5:6379');
  });

  it('keeps going when the logger throws', () => {
    const throwing = {
      debug: () => undefined,
      warn: () => undefined,
      info: () => {
        throw new Error('logger broke');
      },
      error: () => undefined,
    };
    expect(() => writeLog(throwing, 'info', 'consumer started')).not.toThrow();
  });

  it('falls back to debug for a logger with neither info nor log', () => {
    const logger = new CaptureLogger();
    const minimal = { debug: logger.debug, warn: logger.warn, error: logger.error };
    writeLog(minimal, 'info', 'producer ready');
    expect(logger.lines.map((line) => line.level)).toEqual(['debug']);
  });
});

test('the subscriber-behind line says what to look for: slow work, or a filter before checkpoint()', () => {
  const { details } = consumerEventLogLine({
    type: 'subscriber-behind',
    subscriberId: 1,
    records: 5,
    inFlight: 5,
    inFlightItems: 5,
    inFlightBytes: 50,
  });
  expect(details).toMatchObject({ subscriberId: 1, records: 5, inFlight: 5 });
  expect(String(details.hint)).toContain('checkpointFilter()');
});
