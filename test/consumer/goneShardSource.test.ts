import { asapScheduler } from 'rxjs';
import type { ReadingSourceFactory, ReadingSourceParams } from '../../src/consumer/ReadingSource.js';
import { goneShardSource } from '../../src/consumer/goneShardSource.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';

/** A source that fails with `error` when started. */
function failing(error: Error): ReadingSourceFactory {
  return (params) => ({
    start: () => params.onError(error as StreamNotFoundError),
    stop: () => undefined,
  });
}

function harness(source: ReadingSourceFactory, gone: () => Promise<boolean>) {
  const calls: string[] = [];
  const checked: string[] = [];
  const factory = goneShardSource({
    source,
    directory: {
      goneFromStream: (shardId) => {
        checked.push(shardId);
        return gone();
      },
    },
    running: () => true,
    options: {},
  });
  const params: ReadingSourceParams = {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    start: { iteratorType: 'TRIM_HORIZON' },
    gate: new InFlightGate({ records: 10, items: 10, bytes: 1000 }),
    fairShare: () => 10,
    scheduler: asapScheduler,
    onRecords: () => calls.push('records'),
    onEnd: (children) => calls.push(`end:${children.length}`),
    onEvent: () => undefined,
    onError: (error) => calls.push(`error:${error.name}`),
  };
  return { calls, checked, reading: factory(params) };
}

const notFound = () => new StreamNotFoundError('ResourceNotFoundException: Shard ... does not exist');
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a shard gone from a stream still there ends the reading (no children named)', async () => {
  const { calls, checked, reading } = harness(failing(notFound()), () => Promise.resolve(true));
  reading.start();
  await settle();
  expect(checked).toEqual(['shardId-000000000000']);
  expect(calls).toEqual(['end:0']);
});

test('a stream gone (or a shard still listed, or a failed check) fails the reading with the error', async () => {
  for (const gone of [() => Promise.resolve(false), () => Promise.reject(new Error('no listing'))]) {
    const { calls, reading } = harness(failing(notFound()), gone);
    reading.start();
    await settle();
    expect(calls).toEqual(['error:StreamNotFoundError']);
  }
});

test('other errors pass on at once, without a check', async () => {
  const { calls, checked, reading } = harness(failing(new ThrottledError('slow')), () =>
    Promise.resolve(true),
  );
  reading.start();
  await settle();
  expect(checked).toEqual([]);
  expect(calls).toEqual(['error:ThrottledError']);
});

test('stopped while checking: no callback', async () => {
  let answer: (gone: boolean) => void = () => undefined;
  const { calls, reading } = harness(
    failing(notFound()),
    () => new Promise<boolean>((resolve) => (answer = resolve)),
  );
  reading.start();
  reading.stop();
  answer(true);
  await settle();
  expect(calls).toEqual([]);
});
