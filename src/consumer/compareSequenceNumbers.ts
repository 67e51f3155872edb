/** Orders two Kinesis sequence numbers (decimal strings of up to 128 digits): negative, 0 or positive. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
