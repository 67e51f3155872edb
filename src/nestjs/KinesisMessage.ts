/** What KinesisClientProxy writes and KinesisTransportStrategy routes: one record per event. */
export interface KinesisMessage<T = unknown> {
  /** The `@EventPattern()` of the handler that receives `data`. */
  readonly pattern: string;
  readonly data: T;
}
