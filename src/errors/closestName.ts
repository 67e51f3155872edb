/**
 * The known name a misspelt one most likely meant, or `undefined` when none is close: compared
 * without case, `_` and `-` (so `stream_name` finds `streamName`), allowing one edit (insertion,
 * deletion, substitution or swap of two neighbours) per four characters of the known name.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const given = comparable(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const target = comparable(candidate);
    const allowed = Math.max(1, Math.floor(target.length / 4));
    const distance = editDistance(given, target, allowed);
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function comparable(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Optimal string alignment distance; anything above `limit` comes back as `limit + 1`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return Math.min(previous[b.length] ?? 0, limit + 1);
}
