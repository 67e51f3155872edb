import { checkOptionNames } from '../producer/knownOptionNames.js';
import { resolveProducerOptions } from '../producer/resolveProducerOptions.js';
import { InvalidOptionError, type ProducerOptions } from '../index.js';
import { DEFAULT_CLIENT_CLOSE_TIMEOUT_MS, type KinesisClientOptions } from './KinesisClientOptions.js';
import type { KinesisMessage } from './KinesisMessage.js';
import { validateHandlerTimeout } from './validateHandlerTimeout.js';

/** The client's `partitionKey` option: a key for every event, or a function of the event. */
type FallbackKey = KinesisClientOptions['partitionKey'];
/** The client's `explicitHashKey` option: a function of the event. */
type FallbackHashKey = KinesisClientOptions['explicitHashKey'];

/** How the client keys the messages it hands to its Producer, given its own options to fall back on. */
export interface MessageKeys {
  readonly partitionKey: (message: KinesisMessage, index: number, fallback: FallbackKey) => string;
  readonly explicitHashKey: (
    message: KinesisMessage,
    index: number,
    fallback: FallbackHashKey,
  ) => string | undefined;
}

/**
 * Checks KinesisClientProxy's options when the client is constructed, before any I/O (a typo or
 * a wrong type fails at once with an InvalidOptionError, not at the first emit()), and returns
 * the Producer's options (the client's, with `partitionKey` and `explicitHashKey` replaced by
 * `keys`, which are given the client's own options to fall back on) and the close deadline.
 */
export function validateClientOptions(
  options: KinesisClientOptions,
  keys: MessageKeys,
): { producerOptions: ProducerOptions<KinesisMessage>; closeTimeoutMs: number } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { streamName }');
  }
  const {
    serializer,
    partitionKey: fallback,
    explicitHashKey: fallbackHash,
    closeTimeoutMs,
    ...rest
  } = options;
  if (
    serializer !== undefined &&
    (typeof serializer !== 'object' ||
      serializer === null ||
      typeof (serializer as { serialize?: unknown }).serialize !== 'function')
  ) {
    throw new InvalidOptionError('serializer', serializer, 'expected an object with serialize(value)');
  }
  // A misspelt option fails here, not at the first emit(); the rest as the Producer checks them.
  checkOptionNames(rest, 'producer', ['serializer', 'closeTimeoutMs']);
  resolveProducerOptions<KinesisMessage>({
    ...rest,
    ...(fallback === undefined ? {} : { partitionKey: fallback }),
    ...(fallbackHash === undefined ? {} : { explicitHashKey: fallbackHash }),
  });
  return {
    producerOptions: {
      ...rest,
      partitionKey: (message, index) => keys.partitionKey(message, index, fallback),
      explicitHashKey: (message, index) => keys.explicitHashKey(message, index, fallbackHash),
    },
    closeTimeoutMs: validateHandlerTimeout('closeTimeoutMs', closeTimeoutMs, DEFAULT_CLIENT_CLOSE_TIMEOUT_MS),
  };
}
