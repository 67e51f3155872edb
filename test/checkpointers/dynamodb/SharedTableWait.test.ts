import { SharedTableWait } from '../../../src/checkpointers/dynamodb/SharedTableWait.js';

/** A wait that ends only when told, or when its signal aborts. */
function controlled() {
  let finish: (value: string) => void = () => undefined;
  let signal: AbortSignal | undefined;
  const start = (given: AbortSignal) => {
    signal = given;
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      given.addEventListener('abort', () => reject(given.reason as Error), { once: true });
    });
  };
  return { start, finish: (value: string) => finish(value), signal: () => signal };
}

const reason = (text: string) => new Error(text);

test('ends the wait once every caller that joined with a signal left', async () => {
  const wait = controlled();
  const shared = new SharedTableWait(wait.start, new AbortController().signal);
  const [a, b] = [new AbortController(), new AbortController()];
  const first = shared.join(a.signal);
  const second = shared.join(b.signal);
  a.abort(reason('a left'));
  await expect(first).rejects.toThrow('a left');
  expect(wait.signal()?.aborted).toBe(false);
  expect(shared.usable).toBe(true);
  b.abort(reason('b left'));
  await expect(second).rejects.toThrow('b left');
  expect(wait.signal()?.aborted).toBe(true);
  expect(shared.usable).toBe(false);
  await expect(shared.result).rejects.toThrow('b left');
});

test('keeps the wait for a caller without a signal, who gets the table', async () => {
  const wait = controlled();
  const shared = new SharedTableWait(wait.start, new AbortController().signal);
  const leaving = new AbortController();
  const left = shared.join(leaving.signal);
  const staying = shared.join();
  leaving.abort(reason('left'));
  await expect(left).rejects.toThrow('left');
  expect(wait.signal()?.aborted).toBe(false);
  wait.finish('table');
  await expect(staying).resolves.toBe('table');
});

test('a caller whose signal aborted already is refused at once; close() ends the wait', async () => {
  const wait = controlled();
  const closing = new AbortController();
  const shared = new SharedTableWait(wait.start, closing.signal);
  const gone = new AbortController();
  gone.abort(reason('gone'));
  await expect(shared.join(gone.signal)).rejects.toThrow('gone');
  const waiting = shared.join();
  closing.abort(reason('closed'));
  await expect(waiting).rejects.toThrow('closed');
  expect(shared.usable).toBe(false);
});

test('a settled wait is not ended by a caller leaving later', async () => {
  const wait = controlled();
  const shared = new SharedTableWait(wait.start, new AbortController().signal);
  wait.finish('table');
  const caller = new AbortController();
  await expect(shared.join(caller.signal)).resolves.toBe('table');
  caller.abort(reason('late'));
  expect(shared.usable).toBe(true);
  await expect(shared.join(new AbortController().signal)).resolves.toBe('table');
});
