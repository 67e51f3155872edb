// runHandlers() in virtual time: the handlers of one event side by side, each within its own
// timeout counted from the event's start, the longest one bounding the whole (hooks included),
// and the first failure reported once every handler ended.
import { concat, ignoreElements, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { runHandlers } from '../../src/nestjs/runHandlers.js';

const timedOut = (ms: number): Error => new Error(`timed out after ${ms}`);
const noHooks = (work$: Observable<never>): Observable<never> => work$;
/** Hooks that start the handlers `ms` after the event's start. */
const startAfter =
  (ms: number) =>
  (work$: Observable<never>): Observable<never> =>
    concat(timer(ms).pipe(ignoreElements()), work$);

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('runHandlers', () => {
  it('gives up a handler at its own timeout while another runs on; errors with it once both ended', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const long = cold<never>('---------|');
      const short = cold<never>('-');
      const run$ = runHandlers(
        [
          { call$: long, timeoutMs: 20 },
          { call$: short, timeoutMs: 5 },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('---------#', undefined, timedOut(5));
      expectSubscriptions(long.subscriptions).toBe('^--------!');
      expectSubscriptions(short.subscriptions).toBe('^----!');
    });
  });

  it('gives up at its timeout a handler that emitted a value and then hung', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const long = cold<never>('---------|');
      const chatty = cold('-a-', { a: 'result' });
      const run$ = runHandlers(
        [
          { call$: long, timeoutMs: 20 },
          { call$: chatty, timeoutMs: 5 },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('---------#', undefined, timedOut(5));
      expectSubscriptions(chatty.subscriptions).toBe('^----!');
    });
  });

  it('reports the first failure, after the other handler ended', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const failing = cold<never>('---#', undefined, new Error('first'));
      const later = cold<never>('-----#', undefined, new Error('second'));
      const fine = cold<never>('-------|');
      const run$ = runHandlers(
        [
          { call$: fine, timeoutMs: Infinity },
          { call$: later, timeoutMs: Infinity },
          { call$: failing, timeoutMs: Infinity },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('-------#', undefined, new Error('first'));
    });
  });

  it('counts each timeout from the event start, hooks included; the longest bounds the whole, the first timeout is the failure', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<never>('-');
      const shorter = cold<never>('-');
      const run$ = runHandlers(
        [
          { call$: slow, timeoutMs: 8 },
          { call$: shorter, timeoutMs: 5 },
        ],
        startAfter(3),
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('--------#', undefined, timedOut(5));
      expectSubscriptions(shorter.subscriptions).toBe('---^-!');
      expectSubscriptions(slow.subscriptions).toBe('---^----!');
    });
  });

  it('never calls a handler whose own timeout passed while the start hook ran; tells it given up', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const slow = cold<never>('-');
      const late = cold<never>('-');
      const told: unknown[] = [];
      const run$ = runHandlers(
        [
          { call$: slow, timeoutMs: 8 },
          { call$: late, timeoutMs: 5, onTimeout: (error) => told.push(error) },
        ],
        startAfter(6),
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('--------#', undefined, timedOut(5));
      expectSubscriptions(late.subscriptions).toBe([]);
      expectSubscriptions(slow.subscriptions).toBe('------^-!');
      flush();
      expect(told).toEqual([timedOut(5)]);
    });
  });

  it('errors with a failure that came before the whole run timed out, not with the timeout', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const told: unknown[] = [];
      const run$ = runHandlers(
        [
          { call$: cold<never>('--#', undefined, new Error('first')), timeoutMs: 6 },
          { call$: cold<never>('-'), timeoutMs: 6, onTimeout: (error) => told.push(error) },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('------#', undefined, new Error('first'));
      flush();
      expect(told).toEqual([timedOut(6)]);
    });
  });

  it('a start hook that outlasts the longest timeout fails the event before any handler runs', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const handler = cold<never>('|');
      const run$ = runHandlers([{ call$: handler, timeoutMs: 4 }], startAfter(10), timedOut, scheduler);
      expectObservable(run$).toBe('----#', undefined, timedOut(4));
      expectSubscriptions(handler.subscriptions).toBe([]);
    });
  });

  it('without timeouts, completes once every handler completed', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const run$ = runHandlers(
        [
          { call$: cold<never>('--|'), timeoutMs: Infinity },
          { call$: cold<never>('------|'), timeoutMs: Infinity },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      expectObservable(run$).toBe('------|');
    });
  });

  it("tells each handler given up at a timeout, its own or the whole run's, with its error; not one that ended", () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const told: [string, number, unknown][] = [];
      const tell = (name: string) => (error: unknown) => told.push([name, scheduler.now(), error]);
      const run$ = runHandlers(
        [
          { call$: cold<never>('-'), timeoutMs: 3, onTimeout: tell('short') },
          { call$: cold<never>('--|'), timeoutMs: 8, onTimeout: tell('done') },
          { call$: cold<never>('-'), timeoutMs: 8, onTimeout: tell('long') },
          { call$: cold<never>('-'), timeoutMs: 8, onTimeout: tell('also long') },
        ],
        noHooks,
        timedOut,
        scheduler,
      );
      // The event's failure is the first one: the short handler's timeout.
      expectObservable(run$).toBe('--------#', undefined, timedOut(3));
      flush();
      expect(told).toEqual([
        ['short', 3, timedOut(3)],
        ['long', 8, timedOut(8)],
        ['also long', 8, timedOut(8)],
      ]);
      // The handlers at the whole run's timeout share its error.
      expect(told[1]?.[2]).toBe(told[2]?.[2]);
    });
  });
});
