/** What KinesisPublisher writes and KinesisTransportStrategy routes: one JSON record per event. */
export interface KinesisMessage<T = unknown> {
  /** The `@EventPattern()` of the handler that receives `data`. */
  readonly pattern: string;
  readonly data: T;
}
