/** A noun in both numbers, e.g. `['line delivered', 'lines delivered']`. */
export type Noun = readonly [one: string, other: string];

/** The noun for `count`: singular for exactly 1, plural otherwise (0 lines, 1 line, 2 lines). */
export function nounFor(count: number, noun: Noun | string): string {
  const [one, other] = typeof noun === 'string' ? [noun, `${noun}s`] : noun;
  return count === 1 ? one : other;
}

/** A whole count with thousands separated: `1,200`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/**
 * A count and its noun: `counted(1, 'line')` is `1 line`, `counted(1200, 'item')` `1,200 items`
 * (thousands separated, as the rest of the command line prints them).
 */
export function counted(count: number, noun: Noun | string): string {
  return `${formatCount(count)} ${nounFor(Math.round(count), noun)}`;
}
