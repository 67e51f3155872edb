/**
 * The producer's `random` option as the producer draws from it: a draw that throws, or that is
 * not a number in [0, 1), is replaced by a draw of Math.random(). The option only spreads
 * back-off delays and default partition keys; a bad draw has no item or call to fail, and thrown
 * from inside an answer's handling (a back-off) it was lost with that answer's records and ended
 * the process. Math.random itself is returned as it is.
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
    return draw >= 0 && draw < 1 ? draw : Math.random();
  };
}
