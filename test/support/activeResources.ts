// What keeps the event loop alive, for tests that check a run left nothing behind.
import { Socket } from 'node:net';

/** Which resources to count. */
export interface ResourceScope {
  /**
   * Count only the sockets to or from these endpoints (e.g. the test Kinesis's URL): the
   * embedded local Kinesis keeps connections of its own to its backing store open until it is
   * closed, and opens more of them when requests overlap (a loaded machine), so a process-wide
   * count would take them for sockets a run left behind. Every socket of a consumer or producer
   * goes to its endpoint (or, at the server's end, comes from it).
   */
  readonly endpoints?: readonly string[];
}

/** How many active resources of each kind keep the event loop alive (sockets as `scope` says). */
export function activeResources(scope: ResourceScope = {}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  if (scope.endpoints !== undefined) counts.set('TCPSocketWrap', socketsOf(scope.endpoints));
  return counts;
}

/** Timers and sockets of which there are more now than in `baseline`, e.g. "Timeout +1". */
export function extraResources(baseline: Map<string, number>, scope: ResourceScope = {}): string[] {
  const extra: string[] = [];
  for (const [kind, count] of activeResources(scope)) {
    const more = count - (baseline.get(kind) ?? 0);
    if (more > 0 && (kind === 'Timeout' || kind === 'TCPSocketWrap')) extra.push(`${kind} +${more}`);
  }
  return extra;
}

/** Open sockets whose local or remote port is one of the endpoints' (both ends, in-process). */
function socketsOf(endpoints: readonly string[]): number {
  const ports = new Set(endpoints.map(portOf));
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (handle) =>
      handle instanceof Socket && (ports.has(handle.remotePort ?? -1) || ports.has(handle.localPort ?? -1)),
  ).length;
}

/** The endpoint's port, or its scheme's default. */
function portOf(endpoint: string): number {
  const url = new URL(endpoint);
  if (url.port !== '') return Number(url.port);
  return { 'http:': 80, 'https:': 443, 'redis:': 6379, 'rediss:': 6379 }[url.protocol] ?? -1;
}
