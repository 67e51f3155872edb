import { createHash } from 'node:crypto';
import { createMd5Offload } from '../../src/platform/md5Offload.js';

const md5 = (bytes: Uint8Array) => new Uint8Array(createHash('md5').update(bytes).digest());

describe('createMd5Offload (Node: a worker thread)', () => {
  it('answers the MD5 of every size, many at once, each to its own caller', async () => {
    const offload = createMd5Offload()!;
    try {
      const inputs = [0, 1, 55, 64, 65_536, 700_000, 1024 * 1024].map((size, n) =>
        Uint8Array.from({ length: size }, (_, i) => (i * 31 + n) & 0xff),
      );
      // A view into a larger buffer digests only its own bytes.
      const big = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
      inputs.push(big.subarray(100, 900));
      const digests = await Promise.all(inputs.map((bytes) => offload.md5(bytes)));
      expect(digests.map((digest) => Buffer.from(digest).toString('hex'))).toEqual(
        inputs.map((bytes) => Buffer.from(md5(bytes)).toString('hex')),
      );
    } finally {
      await offload.close();
    }
  });

  it('rejects what is pending and what comes after close(), which waits for the thread to stop', async () => {
    const offload = createMd5Offload()!;
    const pending = offload.md5(new Uint8Array(4 * 1024 * 1024));
    const settled = pending.then(
      () => 'resolved',
      (error: unknown) => (error as Error).message,
    );
    await offload.close();
    // Either the digest came back first or it was rejected by close(): never left waiting.
    expect(['resolved', 'the MD5 thread was closed']).toContain(await settled);
    await expect(offload.md5(new Uint8Array(1))).rejects.toThrow('the MD5 thread was closed');
  });

  it('close() before any digest starts no thread and resolves', async () => {
    const offload = createMd5Offload()!;
    await offload.close();
    await expect(offload.md5(new Uint8Array(1))).rejects.toThrow('closed');
  });
});

describe('createMd5Offload when its thread fails', () => {
  it('rejects the digest that broke it and every later one', async () => {
    const offload = createMd5Offload()!;
    try {
      // Not bytes: the thread's hash throws, which ends the thread.
      await expect(offload.md5(42 as unknown as Uint8Array)).rejects.toThrow();
      await expect(offload.md5(new Uint8Array(8))).rejects.toThrow();
    } finally {
      await offload.close();
    }
  });
});

describe('createMd5Offload where no thread can start', () => {
  it('rejects (never throws) every digest, so that callers compute it themselves', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('node:worker_threads', () => ({
        Worker: class {
          constructor() {
            throw Object.assign(new Error('Access to this API has been restricted'), {
              code: 'ERR_ACCESS_DENIED',
            });
          }
        },
      }));
      const { createMd5Offload: create } = await import('../../src/platform/md5Offload.js');
      const offload = create()!;
      let sync: unknown;
      let pending: Promise<Uint8Array> | undefined;
      try {
        pending = offload.md5(new Uint8Array(8));
      } catch (error) {
        sync = error;
      }
      expect(sync).toBeUndefined();
      await expect(pending).rejects.toThrow('restricted');
      await expect(offload.md5(new Uint8Array(8))).rejects.toThrow('restricted');
      await offload.close();
    });
  });
});
