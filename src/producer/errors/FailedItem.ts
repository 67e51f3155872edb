/** An item the producer could not deliver, with its position in the caller's input. */
export interface FailedItem<T = unknown> {
  readonly item: T;
  readonly index: number;
}
