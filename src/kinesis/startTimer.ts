/** Starts a timer: calls `fire` after `ms` unless the returned function is called first. */
export type StartTimer = (fire: () => void, ms: number) => () => void;

/** A timer on the real clock (setTimeout). */
export const startRealTimer: StartTimer = (fire, ms) => {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
};
