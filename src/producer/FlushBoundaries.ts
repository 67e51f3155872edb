/**
 * The flush() calls of a Producer that wait for put() calls from before them to be accepted (they
 * wait for room): each is let go (`reached`) right before the first item put after it is accepted,
 * so the engine's flush it then takes covers the items put before it and none put after it.
 */
export class FlushBoundaries {
  /** In the order of `index` (flush() calls come in index order). */
  private readonly pending: { readonly index: number; readonly reached: () => void }[] = [];

  /** `reached` is called once every item with an index below `index` has been accepted (or refused). */
  add(index: number, reached: () => void): void {
    this.pending.push({ index, reached });
  }

  /** The item `index` is about to be accepted (Infinity: no put() waits any more). */
  pass(index: number): void {
    while (this.pending.length > 0 && this.pending[0]!.index <= index) this.pending.shift()!.reached();
  }
}
