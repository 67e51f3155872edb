import type { KinesisClient } from '@aws-sdk/client-kinesis';

/** Which registered stream consumer (enhanced fan-out) a fromKinesis() consumer reads as. */
export type EnhancedFanOutConsumer =
  /** Registered with RegisterStreamConsumer if the stream has no consumer of this name. */
  | { readonly consumerName: string; readonly consumerArn?: undefined }
  /** A stream consumer registered beforehand; never registered by this library. */
  | { readonly consumerArn: string; readonly consumerName?: undefined };

/** The `enhancedFanOut` option of fromKinesis(): read every leased shard with SubscribeToShard. */
export type EnhancedFanOutOptions = EnhancedFanOutConsumer & {
  /**
   * A subscription that delivers no event for this long is abandoned and renewed from the last
   * continuation point, in ms (default 35,000; Kinesis sends an event every few seconds even on
   * an idle shard). Also the deadline of a SubscribeToShard call for its first event, and the
   * longest a subscription stays paused by a full in-flight budget before it is closed (it is
   * reopened at the same point once there is room).
   */
  readonly silenceTimeoutMs?: number | undefined;
  /** Longest wait for a registered stream consumer to become ACTIVE, in ms (default 120,000). */
  readonly activationTimeoutMs?: number | undefined;
  /**
   * The client SubscribeToShard is sent with (it needs HTTP/2, the SDK's default handler).
   * Default: the `client` option if given, else one built from region/endpoint/credentials with
   * an HTTP/2 handler (h2c for an http:// endpoint such as the embedded local Kinesis).
   */
  readonly client?: KinesisClient | undefined;
};

export interface ResolvedEnhancedFanOut {
  readonly consumerName?: string;
  readonly consumerArn?: string;
  readonly silenceTimeoutMs: number;
  readonly activationTimeoutMs: number;
  readonly client?: KinesisClient;
  /** Deregister the stream consumer once the consumer stopped (only one it registered or named). */
  readonly deregisterOnStop: boolean;
}
