/**
 * A producer error names items by the producer's own numbering (`Item #3`), which counts only the
 * lines sent: next to `line N` it reads as another line. The item is the line's.
 */
export function inLineTerms(message: string): string {
  return message
    .replace(/^Item #\d+ /, 'the item ')
    .replace(/^(\d+) items \(#[^)]*\) could not/, 'the item (one of $1 sent together) could not');
}
