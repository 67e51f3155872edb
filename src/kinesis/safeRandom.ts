/**
 * A `random` option (producer, consumer) as the library draws from it: a draw that throws, or that
 * is not a number in [0, 1), is replaced by a draw of Math.random(). The option only spreads
 * back-off delays (and a producer's default partition keys); a bad draw has no item or call to
 * fail, and thrown from inside an answer's handling (a back-off) it escaped the pipeline: a
 * producer lost that answer's records, a consumer's reading of the shard stopped for good, and the
 * process ended. Math.random itself is returned as it is.
 */
export function safeRandom(random: () => number): () => number {
  if (random === Math.random) return random;
  return () => {
    let draw: number;
    try {
      draw = random();
    } catch {
      return Math.random();
    }
    // typeof first: a bigint 0n passes the range check, and an object's valueOf may throw.
    return typeof draw === 'number' && draw >= 0 && draw < 1 ? draw : Math.random();
  };
}
