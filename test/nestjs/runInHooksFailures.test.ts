// runInHooks() tells which processing hook failed an event (the start hook throwing or
// rejecting before the work finished, the end hook throwing), so that a failure after a lost lease
// is logged as the hook's rather than as a handler's; a handler's own failure is not a hook's.
import { EMPTY, lastValueFrom, throwError, type Observable } from 'rxjs';
import { runInHooks, type HandlerHooks, type HookFailure } from '../../src/nestjs/runInHooks.js';

async function failures(
  work$: Observable<never>,
  hooks: Partial<HandlerHooks>,
): Promise<[HookFailure[], unknown]> {
  const told: HookFailure[] = [];
  const all: HandlerHooks = {
    start: (done) => done(),
    end: () => undefined,
    lateFailure: () => undefined,
    doneAgain: () => undefined,
    onHookFailure: (failure) => void told.push(failure),
    ...hooks,
  };
  const error = await lastValueFrom(runInHooks(work$, all), { defaultValue: undefined }).then(
    () => undefined,
    (failed: unknown) => failed,
  );
  return [told, error];
}

test('an end hook that throws is told as the end hook, with the error the event fails with', async () => {
  const thrown = new Error('metrics flush failed');
  const [told, error] = await failures(EMPTY, {
    end: () => {
      throw thrown;
    },
  });
  expect(error).toBe(thrown);
  expect(told).toEqual([{ hook: 'end', error: thrown }]);
});

test('a start hook that throws, or rejects before calling done(), is told as the start hook', async () => {
  const thrown = new Error('tracing refused');
  const [toldSync, errorSync] = await failures(EMPTY, {
    start: () => {
      throw thrown;
    },
  });
  expect(errorSync).toBe(thrown);
  expect(toldSync).toEqual([{ hook: 'start', error: thrown }]);
  const [toldAsync, errorAsync] = await failures(EMPTY, { start: () => Promise.reject(thrown) });
  expect(errorAsync).toBe(thrown);
  expect(toldAsync).toEqual([{ hook: 'start', error: thrown }]);
});

test("a handler's failure is no hook's", async () => {
  const thrown = new Error('handler failed');
  const [told, error] = await failures(
    throwError(() => thrown),
    {},
  );
  expect(error).toBe(thrown);
  expect(told).toEqual([]);
});
