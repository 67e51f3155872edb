import type { ConsumerDeserializer } from '@nestjs/microservices';
import type { SchedulerLike } from 'rxjs';
import type { CheckpointOptions, ConsumerOptions, KinesisItem } from '../index.js';
import type { KinesisDeadLetter } from './KinesisDeadLetter.js';

/** Options of KinesisTransportStrategy. */
export interface KinesisTransportOptions {
  /** Passed to fromKinesis(): stream, connection, checkpointer, processor, polling. */
  readonly consumer: ConsumerOptions;
  /**
   * Passed to checkpoint(): how often positions are written (default: the library's), and the
   * scheduler the `intervalMs` timer runs on (default `consumer.scheduler`, else `asyncScheduler`).
   */
  readonly checkpoint?:
    Pick<CheckpointOptions<KinesisItem<unknown>>, 'batchSize' | 'intervalMs' | 'scheduler'> | undefined;
  /**
   * Turns a decoded message into `{ pattern, data }`. Default: Nest's IncomingRequestDeserializer,
   * which reads the message's `pattern` and `data` fields (what KinesisClientProxy writes).
   */
  readonly deserializer?: ConsumerDeserializer | undefined;
  /**
   * How long a handler may take, in ms, before its event is given up as `handler-timeout`
   * (default 300000 = 5 minutes; `Infinity` for no limit). A handler can set its own:
   * `@EventPattern('order.created', { timeoutMs: 10_000 })`. A timed-out Observable handler is
   * unsubscribed; a Promise cannot be cancelled and runs on unobserved.
   */
  readonly handlerTimeoutMs?: number | undefined;
  /**
   * How long `close()` (`app.close()`, a SIGTERM with `enableShutdownHooks()`) waits for the
   * handlers under way, in ms (default 20000; `Infinity`: as long as they take). At the deadline
   * the handlers still running are given up: their `getAbortSignal()` fires, an Observable
   * handler is unsubscribed, and their events are neither checkpointed nor dead-lettered (the
   * shard's next owner reads them again); the checkpoints of the events finished are written and
   * the leases released (within `finalWritesTimeoutMs`). A given-up handler's later result
   * changes nothing.
   */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * How long `close()` waits for its final checkpoint writes and lease releases, in ms, once the
   * handlers are done with (default 5000; `Infinity`: as long as the checkpointer takes). At the
   * deadline `close()` resolves with a warning naming the checkpoints not written and the leases
   * not released: the shards' next owners read again from the last positions stored
   * (at-least-once; a lease not released is free once it runs out). The consumer's stop goes on
   * in the background for at most CONSUMER_FINAL_WRITES_GRACE_MS (5 s) more: unless
   * `consumer.finalWritesTimeoutMs` is given, the consumer is given this deadline plus that grace
   * as its own, after which it stops waiting and stops its timers (so the process can exit).
   * `app.close()` thus takes at most about `closeTimeoutMs` + `finalWritesTimeoutMs` (plus the
   * clients' flush, within their own `closeTimeoutMs`).
   */
  readonly finalWritesTimeoutMs?: number | undefined;
  /**
   * Called (and awaited) for an event whose handler failed or timed out, or a record that cannot
   * be decoded; the event is then checkpointed like a handled one, so one bad event never stalls
   * its shard. Without it such events are only logged. If it throws, the consumer stops without
   * checkpointing the event (it is read again after a restart) and `on('error')` listeners are told.
   */
  readonly onDeadLetter?: ((deadLetter: KinesisDeadLetter) => void | Promise<void>) | undefined;
  /** Scheduler of the handler timeouts and of the close() deadlines (tests). */
  readonly scheduler?: SchedulerLike | undefined;
}

/** Default of `handlerTimeoutMs`. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 300_000;

/**
 * Default of `closeTimeoutMs`: 20 s, two thirds of the 30 s a SIGTERM is commonly given before
 * SIGKILL (Kubernetes' default grace period, ECS's default stop timeout), so the checkpoint
 * writes, lease releases and the clients' flush that follow still fit in the rest.
 */
export const DEFAULT_CLOSE_TIMEOUT_MS = 20_000;

/**
 * Default of `finalWritesTimeoutMs`: 5 s, so that with the default `closeTimeoutMs` the transport
 * is closed 25 s after a SIGTERM at the latest, leaving 5 s of a 30 s grace period to the rest.
 */
export const DEFAULT_FINAL_WRITES_TIMEOUT_MS = 5_000;

/**
 * How much longer than the transport's `finalWritesTimeoutMs` the consumer's own stop may take
 * (its `finalWritesTimeoutMs`, unless set in `consumer`): close() gives up first and names what is
 * left, while a store that answers just late still gets the last writes and releases.
 */
export const CONSUMER_FINAL_WRITES_GRACE_MS = 5_000;

/** The longest delay a timer can wait: the consumer's deadline when the transport's is Infinity. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The consumer options the transport runs fromKinesis() with: the user's, with a
 * `finalWritesTimeoutMs` of CONSUMER_FINAL_WRITES_GRACE_MS past the transport's own unless they set one.
 */
export function transportConsumerOptions(
  consumer: ConsumerOptions,
  finalWritesTimeoutMs: number,
): ConsumerOptions {
  if (consumer.finalWritesTimeoutMs !== undefined) return consumer;
  return {
    ...consumer,
    finalWritesTimeoutMs:
      finalWritesTimeoutMs === Number.POSITIVE_INFINITY
        ? finalWritesTimeoutMs
        : Math.min(MAX_TIMER_MS, finalWritesTimeoutMs + CONSUMER_FINAL_WRITES_GRACE_MS),
  };
}
