/**
 * A view of the clock `now` that never goes back: a step back (an NTP correction of the system
 * clock, a virtual clock set back) counts as no time passing, and the view goes on from where it
 * was as the clock moves forward again. For deadlines: with the clock itself, a step back of an
 * hour in a call would let the call's next attempt wait an hour more than `callTimeout`.
 */
export function forwardClock(now: () => number): () => number {
  let last = Number.NEGATIVE_INFINITY;
  let offset = 0;
  return () => {
    const at = now() + offset;
    if (at < last) {
      offset += last - at;
      return last;
    }
    last = at;
    return at;
  };
}
