/** Nonces drawn at once: a call to the random source costs ~10 µs, far more than a small item's parse. */
const POOL_NONCES = 64;
/** 128 random bits per nonce. */
const NONCE_WORDS = 4;
let pool = new Uint32Array(0);
let next = 0;

/**
 * 128 random bits as hex, never handed out twice: taken from a pool drawn POOL_NONCES at a time,
 * so a record holding thousands of tokens (a list or lines of `NaN`) does not pay one call to
 * the random source per item.
 */
export function freshNonce(): string {
  if (next >= pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint32Array(POOL_NONCES * NONCE_WORDS));
    next = 0;
  }
  let nonce = '';
  for (let i = 0; i < NONCE_WORDS; i += 1) nonce += (pool[next + i] as number).toString(16).padStart(8, '0');
  pool.fill(0, next, next + NONCE_WORDS);
  next += NONCE_WORDS;
  return nonce;
}
