import { createHash } from 'node:crypto';
import type { DigestOffload } from '../../src/platform/DigestOffload.js';
import { asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createMd5Offload } from '../../src/platform/md5Offload.js';
import { digestOffloadFor, OFFLOAD_MIN_BYTES, RecordDigests } from '../../src/producer/RecordDigests.js';

const md5 = (bytes: Uint8Array) => new Uint8Array(createHash('md5').update(bytes).digest());

/** An offload whose answers the test releases: resolve with the true MD5, or reject. */
function heldOffload() {
  const held: Array<{ bytes: Uint8Array; resolve(d: Uint8Array): void; reject(e: unknown): void }> = [];
  let closed = 0;
  const offload: DigestOffload = {
    md5: (bytes) => new Promise((resolve, reject) => held.push({ bytes, resolve, reject })),
    close: async () => {
      closed += 1;
    },
  };
  return { offload, held, closedCount: () => closed };
}

const flushPromises = () => new Promise((resolve) => setImmediate(resolve));

describe('RecordDigests', () => {
  it('leaves short records to the accumulator and starts no thread for them', () => {
    let created = 0;
    const digests = new RecordDigests(
      () => {
        created += 1;
        return heldOffload().offload;
      },
      () => undefined,
    );
    const record = new Uint8Array(OFFLOAD_MIN_BYTES - 1 + 16);
    expect(digests.sink(record.subarray(0, OFFLOAD_MIN_BYTES - 1), record.subarray(-16))).toBeUndefined();
    expect(created).toBe(0);
  });

  it('writes the checksum behind a long record once the thread answers, then calls ready', async () => {
    const { offload, held } = heldOffload();
    let ready = 0;
    const digests = new RecordDigests(
      () => offload,
      () => (ready += 1),
    );
    const record = Uint8Array.from({ length: OFFLOAD_MIN_BYTES + 16 }, (_, i) => i & 0xff);
    const message = record.subarray(0, OFFLOAD_MIN_BYTES);
    const trailer = record.subarray(OFFLOAD_MIN_BYTES);
    const pending = digests.sink(message, trailer)!;
    expect(pending.done).toBe(false);
    expect(held).toHaveLength(1);
    held[0]!.resolve(md5(held[0]!.bytes));
    await flushPromises();
    expect(pending.done).toBe(true);
    expect(ready).toBe(1);
    expect(trailer).toEqual(md5(message));
  });

  it('computes the checksum itself when the thread fails', async () => {
    const { offload, held } = heldOffload();
    let ready = 0;
    const digests = new RecordDigests(
      () => offload,
      () => (ready += 1),
    );
    const record = Uint8Array.from({ length: OFFLOAD_MIN_BYTES + 16 }, (_, i) => (i * 7) & 0xff);
    const message = record.subarray(0, OFFLOAD_MIN_BYTES);
    const pending = digests.sink(message, record.subarray(OFFLOAD_MIN_BYTES))!;
    held[0]!.reject(new Error('thread died'));
    await flushPromises();
    expect(pending.done).toBe(true);
    expect(ready).toBe(1);
    expect(record.subarray(OFFLOAD_MIN_BYTES)).toEqual(md5(message));
  });

  it('drops a checksum still pending at close() (the producer is gone): nothing computed, ready not called', async () => {
    let ready = 0;
    const digests = new RecordDigests(createMd5Offload, () => (ready += 1));
    const record = Uint8Array.from({ length: 4 * OFFLOAD_MIN_BYTES + 16 }, (_, i) => (i * 13) & 0xff);
    const trailer = record.subarray(4 * OFFLOAD_MIN_BYTES).fill(0);
    const pending = digests.sink(record.subarray(0, 4 * OFFLOAD_MIN_BYTES), trailer)!;
    expect(pending.done).toBe(false);
    // In the same turn: the thread cannot have answered yet, so the digest is rejected by close().
    await digests.close();
    await flushPromises();
    expect(pending.done).toBe(false);
    expect(ready).toBe(0);
    expect(trailer).toEqual(new Uint8Array(16));
  });

  it('keeps every checksum on the spot where no thread can be had (the browser build), or after close()', async () => {
    const none = new RecordDigests(
      () => undefined,
      () => undefined,
    );
    const record = new Uint8Array(OFFLOAD_MIN_BYTES + 16);
    expect(
      none.sink(record.subarray(0, OFFLOAD_MIN_BYTES), record.subarray(OFFLOAD_MIN_BYTES)),
    ).toBeUndefined();
    const { offload, closedCount } = heldOffload();
    const digests = new RecordDigests(
      () => offload,
      () => undefined,
    );
    digests.sink(record.subarray(0, OFFLOAD_MIN_BYTES), record.subarray(OFFLOAD_MIN_BYTES));
    await digests.close();
    expect(closedCount()).toBe(1);
    expect(
      digests.sink(record.subarray(0, OFFLOAD_MIN_BYTES), record.subarray(OFFLOAD_MIN_BYTES)),
    ).toBeUndefined();
  });
});

describe('digestOffloadFor', () => {
  it('gives a thread under real time, none under virtual time', () => {
    expect(digestOffloadFor(asyncScheduler)).toBe(createMd5Offload);
    const testScheduler = new TestScheduler(() => undefined);
    expect(digestOffloadFor(testScheduler)()).toBeUndefined();
    testScheduler.run(() => {
      // Inside run(), the default scheduler keeps the test's time.
      expect(digestOffloadFor(asyncScheduler)()).toBeUndefined();
    });
  });
});
