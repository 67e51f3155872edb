// What keeps the event loop alive, for tests that check a run left nothing behind.

/** How many active resources of each kind keep the event loop alive. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Timers and sockets of which there are more now than in `baseline`, e.g. "Timeout +1". */
export function extraResources(baseline: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [kind, count] of activeResources()) {
    const more = count - (baseline.get(kind) ?? 0);
    if (more > 0 && (kind === 'Timeout' || kind === 'TCPSocketWrap')) extra.push(`${kind} +${more}`);
  }
  return extra;
}
