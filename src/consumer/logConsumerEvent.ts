import type { LogLevel, Logger } from '../logging/Logger.js';
import { type LogDetails, writeLog } from '../logging/writeLog.js';
import type { ConsumerEvent } from './ConsumerEvent.js';

interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly details: LogDetails;
}

/** The log line of a consumer event (levels are listed in the README's Logging section). */
export function consumerEventLogLine(event: ConsumerEvent): LogLine {
  switch (event.type) {
    case 'consumer-started':
      return line('info', 'consumer started', { streamName: event.streamName, workerId: event.workerId });
    case 'consumer-stopped':
      return line('info', 'consumer stopped', { streamName: event.streamName, workerId: event.workerId });
    case 'final-writes-timeout':
      return line('warn', 'final writes timed out: stopped without them', {
        streamName: event.streamName,
        workerId: event.workerId,
        timeoutMs: event.timeoutMs,
        unwritten: event.unwritten,
        unreleased: event.unreleased,
      });
    case 'shards-discovered':
      return line('debug', 'shards discovered', { shardIds: event.shardIds });
    case 'shard-started':
      return line('info', 'shard started', {
        shardId: event.shardId,
        iteratorType: event.start.iteratorType,
        origin: event.start.origin,
      });
    case 'shard-ended':
      return line('info', 'shard ended', { shardId: event.shardId, childShardIds: event.childShardIds });
    case 'lease-acquired':
      return line('info', 'lease acquired', { shardId: event.shardId });
    case 'lease-released':
      return event.error === undefined
        ? line('info', 'lease released', { shardId: event.shardId })
        : line('warn', 'lease released, left to run out', { shardId: event.shardId, error: event.error });
    case 'lease-lost':
      return line('warn', 'lease lost', { shardId: event.shardId, error: event.error });
    case 'lease-unavailable':
      return line(event.reason === 'same-worker-id' ? 'warn' : 'debug', 'lease unavailable', {
        shardId: event.shardId,
        reason: event.reason,
        holder: event.holder,
      });
    case 'rebalance':
      return line('info', 'rebalanced', {
        target: event.target,
        held: event.held,
        liveWorkers: event.liveWorkers,
      });
    case 'handoff-requested':
      return line('info', 'handoff requested', { shardId: event.shardId, owner: event.owner });
    case 'shard-stalled':
      return line('warn', 'shard stalled: giving it up', {
        shardId: event.shardId,
        timeouts: event.timeouts,
        error: event.error,
      });
    case 'handoff-timeout':
      return line('warn', 'handoff timed out', {
        shardId: event.shardId,
        requester: event.requester,
        inFlight: event.inFlight,
      });
    case 'handoff-completed':
      return line('info', handoffCompletedMessage(event.reserved), {
        shardId: event.shardId,
        requester: event.requester,
        drained: event.drained,
        reserved: event.reserved,
      });
    case 'subscriber-behind':
      return line('warn', 'subscriber behind', {
        subscriberId: event.subscriberId,
        records: event.records,
        inFlight: event.inFlight,
        hint: SUBSCRIBER_BEHIND_HINT,
      });
    case 'throttled':
      return line('debug', 'throttled', { shardId: event.shardId, delayMs: event.delayMs });
    case 'iterator-renewed':
      return line('debug', 'iterator renewed', { shardId: event.shardId });
    case 'subscription-renewed':
      return line('debug', 'subscription renewed', { shardId: event.shardId, reason: event.reason });
    case 'checkpoint-written':
      return line('debug', 'checkpoint written', {
        shardId: event.shardId,
        position: event.position === 'SHARD_END' ? 'SHARD_END' : event.position.sequenceNumber,
      });
    case 'checkpoint-refused':
      return line('debug', 'checkpoint refused: the store holds a later position', {
        shardId: event.shardId,
        position: event.position.sequenceNumber,
      });
    case 'error-retried':
      return line('warn', 'retrying after error', {
        shardId: event.shardId,
        operation: event.operation,
        attempt: event.attempt,
        delayMs: event.delayMs,
        error: event.error,
      });
  }
}

/**
 * Why a subscriber holds its whole in-flight budget: slow work, or records that will never reach
 * checkpoint() because a plain filter dropped them (which then stops reading for good).
 */
const SUBSCRIBER_BEHIND_HINT =
  'reading waits until the pipeline finishes records it holds: slow work, or records a plain filter() ' +
  'dropped before checkpoint() (use checkpointFilter(), which reports them done)';

/** A handoff whose requester was gone by the release did not give it the shard: the line says so. */
function handoffCompletedMessage(reserved: boolean | undefined): string {
  return reserved === false
    ? 'handoff completed: lease released with no reservation, the requester was not live ' +
        '(or the lease was no longer held)'
    : 'handoff completed';
}

function line(level: LogLevel, message: string, details: LogDetails): LogLine {
  return { level, message, details };
}

/** Logs a consumer event to `logger` (nothing without one). */
export function logConsumerEvent(logger: Logger | undefined, event: ConsumerEvent): void {
  if (logger === undefined) return;
  const { level, message, details } = consumerEventLogLine(event);
  writeLog(logger, level, message, details);
}
