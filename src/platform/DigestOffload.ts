/** MD5 computed off the JavaScript thread (see md5Offload.ts). */
export interface DigestOffload {
  /** The MD5 of `bytes`; rejects if the other thread failed (the caller then computes it itself). */
  md5(bytes: Uint8Array): Promise<Uint8Array>;
  /** Stops the other thread; digests still pending reject. */
  close(): Promise<void>;
}
