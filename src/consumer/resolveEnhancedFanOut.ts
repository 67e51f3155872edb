import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { EnhancedFanOutOptions, ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import type { StreamAddress } from '../kinesis/streamAddress.js';

export const DEFAULT_SILENCE_TIMEOUT_MS = 35_000;
export const DEFAULT_ACTIVATION_TIMEOUT_MS = 120_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

const KNOWN = new Set(['consumerName', 'consumerArn', 'silenceTimeoutMs', 'activationTimeoutMs', 'client']);
/** RegisterStreamConsumer's ConsumerName rule. */
const CONSUMER_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** A stream consumer ARN: its stream's ARN (group 1, the stream's name group 2), then /consumer/NAME:EPOCH. */
const CONSUMER_ARN =
  /^(arn:aws(?:-[a-z]+)*:kinesis:[a-z]{2}(?:-[a-z0-9]+)+:[0-9]{12}:stream\/([a-zA-Z0-9_.-]{1,128}))\/consumer\/[a-zA-Z0-9_.-]{1,128}:[0-9]+$/;

function timeout(option: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(
      option,
      value,
      `expected milliseconds, an integer from ${min} to ${MAX_TIMER_MS}`,
    );
  }
  return value;
}

/**
 * A consumer ARN names its stream: SubscribeToShard reads that stream's shard of the given id,
 * so a consumer of another stream would read that stream's records as this one's, silently.
 */
function checkConsumerStream(consumerArn: string, address: StreamAddress): void {
  const match = CONSUMER_ARN.exec(consumerArn);
  const streamArn = match?.[1];
  const streamName = match?.[2];
  const mismatch =
    address.streamArn !== undefined ? streamArn !== address.streamArn : streamName !== address.streamName;
  if (!mismatch) return;
  throw new InvalidOptionError(
    'enhancedFanOut.consumerArn',
    consumerArn,
    `a stream consumer of stream ${(address.streamArn === undefined ? streamName : streamArn) ?? '?'}, ` +
      `not of ${address.streamArn ?? address.streamName} (streamName)`,
  );
}

/**
 * Validates the `enhancedFanOut` and `deregisterOnStop` options of fromKinesis() (throws
 * InvalidOptionError before any I/O); undefined when fan-out is not asked for. A `consumerArn`
 * must be a consumer of the stream `address` names.
 */
export function resolveEnhancedFanOut(
  options: EnhancedFanOutOptions | undefined,
  deregisterOnStop: unknown,
  address: StreamAddress,
): ResolvedEnhancedFanOut | undefined {
  if (deregisterOnStop !== undefined && typeof deregisterOnStop !== 'boolean') {
    throw new InvalidOptionError('deregisterOnStop', deregisterOnStop, 'expected true or false');
  }
  if (options === undefined) {
    if (deregisterOnStop === true) {
      throw new InvalidOptionError(
        'deregisterOnStop',
        deregisterOnStop,
        'only allowed with enhancedFanOut: { consumerName } or { consumerArn }',
      );
    }
    return undefined;
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'enhancedFanOut',
      options,
      'expected { consumerName: string } or { consumerArn: string }, with optional silenceTimeoutMs, activationTimeoutMs, client',
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw unknownOptionError(`enhancedFanOut.${key}`, KNOWN);
    }
  }
  const { consumerName, consumerArn } = options as { consumerName?: unknown; consumerArn?: unknown };
  if ((consumerName === undefined) === (consumerArn === undefined)) {
    throw new InvalidOptionError(
      'enhancedFanOut',
      options,
      'give exactly one of consumerName (registered if missing) or consumerArn (registered beforehand)',
    );
  }
  if (consumerName !== undefined && (typeof consumerName !== 'string' || !CONSUMER_NAME.test(consumerName))) {
    throw new InvalidOptionError(
      'enhancedFanOut.consumerName',
      consumerName,
      'a stream consumer name has 1 to 128 characters from [a-zA-Z0-9_.-]',
    );
  }
  if (consumerArn !== undefined && (typeof consumerArn !== 'string' || !CONSUMER_ARN.test(consumerArn))) {
    throw new InvalidOptionError(
      'enhancedFanOut.consumerArn',
      consumerArn,
      'a stream consumer ARN looks like arn:aws:kinesis:REGION:ACCOUNT_ID:stream/STREAM/consumer/NAME:CREATION_EPOCH_SECONDS',
    );
  }
  if (consumerArn !== undefined) checkConsumerStream(consumerArn, address);
  const client = options.client;
  if (
    client !== undefined &&
    !(client instanceof KinesisClient) &&
    typeof (client as { send?: unknown }).send !== 'function'
  ) {
    throw new InvalidOptionError(
      'enhancedFanOut.client',
      client,
      'expected a KinesisClient from @aws-sdk/client-kinesis',
    );
  }
  return {
    ...(consumerName === undefined ? {} : { consumerName }),
    ...(consumerArn === undefined ? {} : { consumerArn }),
    silenceTimeoutMs: timeout(
      'enhancedFanOut.silenceTimeoutMs',
      options.silenceTimeoutMs,
      1,
      DEFAULT_SILENCE_TIMEOUT_MS,
    ),
    activationTimeoutMs: timeout(
      'enhancedFanOut.activationTimeoutMs',
      options.activationTimeoutMs,
      1,
      DEFAULT_ACTIVATION_TIMEOUT_MS,
    ),
    ...(client === undefined ? {} : { client }),
    deregisterOnStop: deregisterOnStop === true,
  };
}
