import { Server, type MessageHandler, type MsPattern } from '@nestjs/microservices';

/**
 * A Nest Server whose event handlers of one pattern are each called on their own. Nest's
 * Server chains a second `@EventPattern()` handler of a pattern to the first (`handler.next`),
 * and the first one's call then runs it too, inside one Promise, joined with `forkJoin()` (an
 * Observable handler that completes without a value cuts the others short). Here each handler
 * registered after the first is kept beside it instead, so the transport can run every one with
 * its own `timeoutMs` and hear of each one's end.
 */
export abstract class SideBySideHandlersServer<
  EventsMap extends Record<string, (...args: never[]) => unknown>,
  Status extends string,
> extends Server<EventsMap, Status> {
  /** The event handlers registered after the first of their pattern, by that first handler. */
  private readonly alsoHandling = new WeakMap<MessageHandler, MessageHandler[]>();

  /**
   * Registers a handler as Nest's Server does, except that an event handler for a pattern that
   * has a handler already is kept beside it (see handlersOf) instead of chained to it.
   */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const head = isEventHandler
      ? this.messageHandlers.get(this.normalizePattern(pattern as MsPattern))
      : undefined;
    if (head === undefined) {
      super.addHandler(pattern, callback, isEventHandler, extras);
      return;
    }
    callback.isEventHandler = true;
    callback.extras = extras;
    const others = this.alsoHandling.get(head);
    if (others === undefined) this.alsoHandling.set(head, [callback]);
    else others.push(callback);
  }

  /**
   * The handlers of an event: `head` (what getHandlerByPattern() found) and the event handlers
   * registered after it for its pattern, in the order they were registered. A handler that
   * replaced `head` (a `@MessagePattern()` registered later) has none beside it, as in Nest.
   */
  protected handlersOf(head: MessageHandler): MessageHandler[] {
    return [head, ...(this.alsoHandling.get(head) ?? [])];
  }
}
