import type { MessageHandler } from '@nestjs/microservices';
import {
  asyncScheduler,
  defer,
  EMPTY,
  finalize,
  lastValueFrom,
  mergeMap,
  takeUntil,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { KinesisItem, KinesisRecord } from '../index.js';
import { HandlerTimeoutError } from './errors/HandlerTimeoutError.js';
import { HandlerSignal } from './HandlerSignal.js';
import { describeDeadLetter } from './describeDeadLetter.js';
import { describeForLog } from './describeForLog.js';
import { describePattern } from './describePattern.js';
import type { HandlersUnderWay } from './HandlersUnderWay.js';
import { KinesisContext } from './KinesisContext.js';
import type { KinesisDeadLetter } from './KinesisDeadLetter.js';
import type { KinesisTransportOptions } from './KinesisTransportOptions.js';
import { describeReadingEnd, nextReaderOf } from './readingEnd.js';
import { runHandlers } from './runHandlers.js';
import { runInHooks, type HookFailure } from './runInHooks.js';
import { SideBySideHandlersServer } from './SideBySideHandlersServer.js';
import { validateHandlerTimeout } from './validateHandlerTimeout.js';

/** What EventDispatchServer needs of the transport's options. */
export type DispatchOptions = Pick<KinesisTransportOptions, 'onDeadLetter' | 'scheduler'> & {
  /** The transport's handler timeout, validated. */
  readonly handlerTimeoutMs: number;
};

/**
 * A Nest Server that handles one Kinesis event at a time through its `@EventPattern()` handlers:
 * decodes the event into `{ pattern, data }`, runs every handler of the pattern side by side
 * (each within its timeout) inside the processing hooks, and dead-letters the event (logged, then
 * `onDeadLetter`) when it cannot be decoded, has no handler, or a handler failed or timed out.
 * When and whether an event is dispatched (order, close, lease loss) is the transport's.
 */
export abstract class EventDispatchServer<
  EventsMap extends Record<string, (...args: never[]) => unknown>,
  Status extends string,
> extends SideBySideHandlersServer<EventsMap, Status> {
  /** The id the processing hooks are called with. */
  abstract override transportId: symbol;

  /** Readings whose lease loss was logged (see skippedOnce). */
  private readonly leasesGone = new WeakSet<AbortSignal>();
  /** True once a start hook calling `done()` again was logged. */
  private doneAgainLogged = false;

  protected constructor(private readonly dispatchOptions: DispatchOptions) {
    super();
  }

  /**
   * Runs the handlers of `item` and resolves with it once it is done with (handled or
   * dead-lettered), or given up by close() (`underWay.gaveUp`), or failed after its lease was
   * lost (not dead-lettered: the shard's next owner handles it again). An event whose lease was
   * lost before its handlers were called (while it was decoded, or the start hook ran) is not
   * handled: its handlers are not called. Rejects only if `onDeadLetter` throws.
   */
  protected async dispatch(
    item: KinesisItem<unknown>,
    underWay: HandlersUnderWay,
  ): Promise<KinesisItem<unknown>> {
    const where = `${item.shardId} @ ${item.sequenceNumber}`;
    let pattern: string | undefined;
    let data: unknown;
    try {
      const packet = await this.deserializer.deserialize(item.data);
      pattern = packet.pattern === undefined ? undefined : this.getPatternAsString(packet.pattern);
      data = packet.data;
    } catch (error) {
      if (!this.skippedIfGone(item))
        await this.deadLetter({ reason: 'undecodable', record: item.record, error });
      return item;
    }
    // The lease was lost while the message was decoded: its next owner handles the event.
    if (this.skippedIfGone(item)) return item;
    const head = pattern === undefined ? null : this.getHandlerByPattern(pattern);
    if (pattern === undefined || head === null) {
      this.logger.warn(`No event handler for pattern ${describePattern(pattern)} (${where}): skipped`);
      await this.dispatchOptions.onDeadLetter?.({ reason: 'no-handler', pattern, item, error: undefined });
      return item;
    }
    // The hooks' context has the event's signal; each handler its own, which also fires at its
    // own timeout (handlers of one pattern may have different ones).
    const eventSignal = underWay.signalFor(item.record.abortSignal);
    const context = new KinesisContext([item, pattern, eventSignal]);
    /** A processing hook that failed the event, if one did. */
    const failed: { hook?: HookFailure } = {};
    try {
      const run$ = runHandlers(
        this.handlersOf(head).map((handler) => {
          const signal = new HandlerSignal(eventSignal);
          return {
            call$: defer(() => {
              signal.start();
              return handler(data, new KinesisContext([item, pattern, signal.signal]));
            }).pipe(
              mergeMap((result) => this.transformToObservable(result)),
              finalize(() => signal.end()),
            ),
            timeoutMs: this.timeoutOf(pattern, handler),
            onTimeout: (error: unknown) => signal.abort(error),
          };
        }),
        // The lease lost while the start hook ran: the handlers are not called (the end hook is).
        (work$) =>
          this.inHooks(
            defer(() => (this.skippedIfGone(item) ? EMPTY : work$)),
            context,
            (failure) => (failed.hook = failure),
          ),
        (timeoutMs) =>
          new HandlerTimeoutError(pattern, timeoutMs, {
            streamName: item.record.streamName,
            shardId: item.shardId,
            sequenceNumber: item.sequenceNumber,
          }),
        this.scheduler,
      );
      // Given up by close(): an Observable handler is unsubscribed.
      await lastValueFrom(run$.pipe(takeUntil(underWay.givenUp$)), { defaultValue: undefined });
    } catch (error) {
      // Given up by close(): its next owner handles the event again.
      if (underWay.gaveUp) return item;
      // The next owner of the shard handles the event again: it is not given up here.
      if (leaseGone(item)) {
        const reason: unknown = item.record.abortSignal?.reason;
        const byHook = failed.hook;
        const hook = byHook !== undefined && byHook.error === error ? byHook.hook : undefined;
        const what =
          hook !== undefined
            ? `Processing ${hook} hook failed for ${describePattern(pattern)}`
            : `Handler for ${describePattern(pattern)} failed`;
        this.logger.warn(
          `${what} on ${where} after ${describeReadingEnd(reason, item.shardId)} (not dead-lettered: ` +
            `${nextReaderOf(reason)} handles it again): ${describeForLog(error)}`,
        );
        return item;
      }
      await this.deadLetter(
        isHandlerTimeout(error)
          ? { reason: 'handler-timeout', pattern, item, error }
          : { reason: 'handler-failed', pattern, item, error },
      );
    }
    return item;
  }

  /**
   * True (and logged, once per reading) when the lease of the item's shard is gone: its next owner
   * reads the event again, so it is neither handled nor dead-lettered here.
   */
  protected skippedIfGone(item: KinesisItem<unknown>): boolean {
    if (!leaseGone(item)) return false;
    this.skippedOnce(item.record);
    return true;
  }

  /** Logs the first event of a reading whose lease is gone. */
  protected skippedOnce(record: Pick<KinesisRecord, 'shardId' | 'abortSignal'>): void {
    const signal = record.abortSignal;
    if (signal === undefined || this.leasesGone.has(signal)) return;
    this.leasesGone.add(signal);
    const reason: unknown = signal.reason;
    const end = describeReadingEnd(reason, record.shardId);
    this.logger.warn(
      `${end.charAt(0).toUpperCase()}${end.slice(1)}: its events not handled yet are left to ${nextReaderOf(reason)}`,
    );
  }

  /** Logs a dead letter and awaits `onDeadLetter` with it. */
  protected async deadLetter(deadLetter: KinesisDeadLetter): Promise<void> {
    this.logger.error(describeDeadLetter(deadLetter));
    await this.dispatchOptions.onDeadLetter?.(deadLetter);
  }

  /**
   * The timeout of a handler: its `@EventPattern(..., { timeoutMs })` (or `@MessagePattern`'s),
   * else the transport's.
   */
  protected timeoutOf(pattern: string, handler: MessageHandler): number {
    const extras = handler.extras as { timeoutMs?: unknown } | undefined;
    if (extras?.timeoutMs === undefined) return this.dispatchOptions.handlerTimeoutMs;
    const decorator = handler.isEventHandler === true ? '@EventPattern' : '@MessagePattern';
    return validateHandlerTimeout(`${decorator}('${pattern}') timeoutMs`, extras.timeoutMs);
  }

  /** The scheduler of the handler timeouts and of close()'s deadlines. */
  protected get scheduler(): SchedulerLike {
    return this.dispatchOptions.scheduler ?? asyncScheduler;
  }

  /**
   * Runs the handlers of an event inside the server's processing hooks (see runInHooks);
   * `onHookFailure` is told of a hook that fails the event.
   */
  private inHooks(
    work$: Observable<never>,
    context: KinesisContext,
    onHookFailure: (failure: HookFailure) => void,
  ): Observable<never> {
    return runInHooks(work$, {
      onHookFailure,
      start: (done) => this.onProcessingStartHook(this.transportId, context, done),
      end: () => this.onProcessingEndHook?.(this.transportId, context),
      doneAgain: () => {
        if (this.doneAgainLogged) return;
        this.doneAgainLogged = true;
        this.logger.warn(
          'The processing start hook called done() more than once for an event: the calls after ' +
            'the first are ignored (the handlers run once)',
        );
      },
      lateFailure: (error) =>
        this.logger.error(
          `Processing hook failed after ${describePattern(context.getPattern())}: ${describeForLog(error)}`,
        ),
    });
  }
}

/**
 * True for the error of a handler that ran past its timeout; false for any other value, even one
 * that throws when asked (a revoked Proxy).
 */
function isHandlerTimeout(error: unknown): error is HandlerTimeoutError {
  try {
    return error instanceof HandlerTimeoutError;
  } catch {
    return false;
  }
}

/**
 * True when this worker stopped reading the item's shard before the item was checkpointed: the
 * lease was lost or handed over (or the consumer stopped).
 */
export function leaseGone(item: KinesisItem<unknown>): boolean {
  return item.record.abortSignal?.aborted === true;
}
