import type { DigestSink, PendingDigest } from '../processors/aggregators/deferredDigest.js';
import { createHash } from '../platform/crypto.js';
import type { SchedulerLike } from 'rxjs';
import type { DigestOffload } from '../platform/DigestOffload.js';
import { createMd5Offload } from '../platform/md5Offload.js';

/**
 * Checksums at least this long are computed on another thread: ~0.08 ms of copying against
 * ~0.8 ms of MD5 for 640 KiB; shorter ones cost less on the spot than the trip.
 */
export const OFFLOAD_MIN_BYTES = 64 * 1024;

/** How far a scheduler's clock may be from the wall clock for it to count as real time. */
const REAL_TIME_SLACK_MS = 60_000;

/**
 * Where a producer's checksums may go: a thread (where one can run) under a scheduler that keeps
 * real time; none under virtual time (a TestScheduler, or the default scheduler inside
 * `TestScheduler.run()`), since a thread's answer would come outside that time.
 */
export function digestOffloadFor(scheduler: SchedulerLike): () => DigestOffload | undefined {
  const realTime = Math.abs(scheduler.now() - Date.now()) < REAL_TIME_SLACK_MS;
  return realTime ? createMd5Offload : () => undefined;
}

/**
 * The checksums of a producer's large KPL records, computed on another thread (the MD5 of a
 * half-MiB record is ~0.6 ms of the one JavaScript thread, ~7 % of it when a process fills 64
 * shards). A record waits in its lane until its checksum is written (RecordBatcher), then
 * `ready` is called so that it can go. If the other thread fails, checksums are computed here
 * as before. The thread starts with the first large record and stops at close().
 */
export class RecordDigests {
  private offload: DigestOffload | undefined;
  private started = false;
  private closed = false;

  constructor(
    private readonly createOffload: () => DigestOffload | undefined,
    private readonly ready: () => void,
  ) {}

  readonly sink: DigestSink = (message, trailer) => {
    if (this.closed || message.byteLength < OFFLOAD_MIN_BYTES) return undefined;
    if (!this.started) {
      this.started = true;
      this.offload = this.createOffload();
    }
    const offload = this.offload;
    if (offload === undefined) return undefined;
    const pending: PendingDigest = { done: false };
    offload.md5(message).then(
      (digest) => this.write(pending, trailer, digest),
      () => {
        // After close() no record is sent any more (the engine is disposed): no checksum is owed.
        if (!this.closed) this.write(pending, trailer, createHash('md5').update(message).digest());
      },
    );
    return pending;
  };

  /**
   * Stops the thread. Called when the engine is disposed, when no record waits for a checksum any
   * more: one still pending (an abort's) is dropped, not computed here.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.offload?.close() ?? Promise.resolve();
  }

  private write(pending: PendingDigest, trailer: Uint8Array, digest: Uint8Array): void {
    trailer.set(digest);
    pending.done = true;
    this.ready();
  }
}
