// Sockets of this process connected to a given port (the client ends of connections to the local
// Kinesis, not the server's own ends nor its connections to the store behind it).
import { Socket } from 'node:net';

type ProcessWithHandles = NodeJS.Process & { _getActiveHandles(): unknown[] };

/** Open client sockets connected to `port` on this host. */
export function socketsTo(port: number): number {
  return (process as ProcessWithHandles)
    ._getActiveHandles()
    .filter((handle) => handle instanceof Socket && !handle.destroyed && handle.remotePort === port).length;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true as soon as `condition()` holds, false if it does not within `withinMs`. */
export async function eventually(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** Waits until `condition()` holds, polling every 20 ms; fails after `withinMs`. */
export async function waitFor(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  if (!(await eventually(condition, withinMs))) throw new Error(`timed out waiting for ${what}`);
}
