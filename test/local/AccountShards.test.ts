import { AccountShards } from '../../src/local/AccountShards.js';
import type { StoredStream } from '../../src/local/storedStreams.js';

describe('AccountShards', () => {
  it('keeps counting a stream created while the store was being read, which that read missed', async () => {
    let snapshot: StoredStream[] = [{ name: 'old', status: 'ACTIVE', openShards: 2 }];
    let answerRead: (streams: StoredStream[]) => void = () => undefined;
    const shards = new AccountShards(
      () =>
        new Promise((resolve) => {
          const taken = snapshot;
          answerRead = () => resolve(taken);
        }),
    );
    const reading = shards.counted();
    // The read was taken before 'fresh' was stored; its CreateStream is answered meanwhile.
    snapshot = [...snapshot, { name: 'fresh', status: 'CREATING', openShards: 0 }];
    shards.noteCreating('fresh', 5);
    answerRead([]);
    expect(await reading).toBe(7);
    const next = shards.counted();
    answerRead([]);
    expect(await next).toBe(7);
  });

  it('stops counting a stream once it is seen past CREATING', async () => {
    const snapshot: StoredStream[] = [{ name: 'fresh', status: 'CREATING', openShards: 0 }];
    const shards = new AccountShards(() => Promise.resolve(snapshot));
    shards.noteCreating('fresh', 3);
    expect(await shards.counted()).toBe(3);
    snapshot[0] = { name: 'fresh', status: 'ACTIVE', openShards: 3 };
    expect(await shards.counted()).toBe(3);
    snapshot.pop();
    expect(await shards.counted()).toBe(0);
  });
});
