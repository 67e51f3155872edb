import type { MonoTypeOperatorFunction } from 'rxjs';
import { resolveConsumerOptions } from '../consumer/resolveConsumerOptions.js';
import { checkpoint, InvalidOptionError, type KinesisItem } from '../index.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_FINAL_WRITES_TIMEOUT_MS,
  type KinesisTransportOptions,
} from './KinesisTransportOptions.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import { validateHandlerTimeout } from './validateHandlerTimeout.js';

const KNOWN = new Set([
  'consumer',
  'checkpoint',
  'closeTimeoutMs',
  'deserializer',
  'finalWritesTimeoutMs',
  'handlerTimeoutMs',
  'onDeadLetter',
  'scheduler',
]);
const CHECKPOINT_KNOWN = new Set(['batchSize', 'intervalMs', 'scheduler']);

/** KinesisTransportStrategy's options as it uses them. */
export interface ResolvedTransportOptions {
  /** The checkpoint() operator the `checkpoint` option describes. */
  readonly checkpointEvents: MonoTypeOperatorFunction<KinesisItem<unknown>>;
  readonly handlerTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly finalWritesTimeoutMs: number;
}

/**
 * Checks KinesisTransportStrategy's options when the strategy is constructed, before any I/O:
 * a typo or a wrong type fails at once with an InvalidOptionError (whose message carries no
 * secret), not later in `app.listen()` or at the first event.
 */
export function validateTransportOptions(options: KinesisTransportOptions): ResolvedTransportOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { consumer }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw unknownOptionError(key, KNOWN);
    }
  }
  if (typeof options.consumer !== 'object' || options.consumer === null) {
    throw new InvalidOptionError(
      'consumer',
      options.consumer,
      'expected fromKinesis() options: { streamName, ... }',
    );
  }
  resolveConsumerOptions(options.consumer);
  const checkpointOptions: unknown = options.checkpoint ?? {};
  if (typeof checkpointOptions !== 'object' || checkpointOptions === null) {
    throw new InvalidOptionError(
      'checkpoint',
      checkpointOptions,
      'expected { batchSize?, intervalMs?, scheduler? }',
    );
  }
  for (const key of Object.keys(checkpointOptions)) {
    if (!CHECKPOINT_KNOWN.has(key)) {
      throw new InvalidOptionError(
        `checkpoint.${key}`,
        (checkpointOptions as Record<string, unknown>)[key],
        'the transport checkpoints in order; known options are batchSize, intervalMs, scheduler',
      );
    }
  }
  const checkpointScheduler: unknown = (checkpointOptions as { scheduler?: unknown }).scheduler;
  if (
    checkpointScheduler !== undefined &&
    !(
      isScheduler(checkpointScheduler) && typeof (checkpointScheduler as { now?: unknown }).now === 'function'
    )
  ) {
    throw new InvalidOptionError('checkpoint.scheduler', checkpointScheduler, 'expected an RxJS scheduler');
  }
  const deserializer: unknown = options.deserializer;
  if (
    deserializer !== undefined &&
    (typeof deserializer !== 'object' ||
      deserializer === null ||
      typeof (deserializer as { deserialize?: unknown }).deserialize !== 'function')
  ) {
    throw new InvalidOptionError('deserializer', deserializer, 'expected an object with deserialize(value)');
  }
  if (options.onDeadLetter !== undefined && typeof options.onDeadLetter !== 'function') {
    throw new InvalidOptionError(
      'onDeadLetter',
      options.onDeadLetter,
      'expected a function (deadLetter) => void | Promise<void>',
    );
  }
  const scheduler: unknown = options.scheduler;
  if (scheduler !== undefined && !isScheduler(scheduler)) {
    throw new InvalidOptionError('scheduler', scheduler, 'expected an RxJS scheduler');
  }
  return {
    checkpointEvents: checkpoint<KinesisItem<unknown>>(checkpointOptions),
    handlerTimeoutMs: validateHandlerTimeout('handlerTimeoutMs', options.handlerTimeoutMs),
    closeTimeoutMs: validateHandlerTimeout(
      'closeTimeoutMs',
      options.closeTimeoutMs,
      DEFAULT_CLOSE_TIMEOUT_MS,
    ),
    finalWritesTimeoutMs: validateHandlerTimeout(
      'finalWritesTimeoutMs',
      options.finalWritesTimeoutMs,
      DEFAULT_FINAL_WRITES_TIMEOUT_MS,
    ),
  };
}

/** True for an object with `schedule()` (what an RxJS scheduler has). */
function isScheduler(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { schedule?: unknown }).schedule === 'function'
  );
}
