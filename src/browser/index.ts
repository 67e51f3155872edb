// rxjs-kinesis/browser: the producer side for browsers (and other runtimes with fetch and no
// Node built-ins). Built with the browser platform modules (src/platform/*.browser.ts).
export { toKinesis } from './toKinesis.js';
export { Producer } from './Producer.js';
export {
  type BrowserProducerOptions,
  type BrowserToKinesisOptions,
  BROWSER_MAX_QUEUE_SIZE,
  BROWSER_MAX_QUEUE_BYTES,
  BROWSER_EXPO_BACKOFF_LIMIT_MS,
} from './browserProducerOptions.js';
export { pageHidden } from './pageHidden.js';
export { RxjsKinesisError, type ErrorContext } from '../errors/RxjsKinesisError.js';
export { InvalidOptionError } from '../errors/InvalidOptionError.js';
export {
  createKinesisClient,
  type KinesisConnectionOptions,
  type KinesisCredentials,
  type KinesisCredentialsProvider,
} from '../kinesis/createKinesisClient.js';
export type { Serializer, SerializerText, TextTraits } from '../processors/Serializer.js';
export type {
  Aggregator,
  AggregatorEntry,
  AggregatedRecord,
  RecordAccumulator,
  RecordToDeaggregate,
  DeaggregatedItem,
  DeaggregatedItems,
  AggregatorText,
  DeaggregatedTexts,
  TextAggregatorEntry,
  TextRecordAccumulator,
} from '../processors/Aggregator.js';
export { createProcessor, type Processor } from '../processors/Processor.js';
export {
  stringProcessor,
  jsonProcessor,
  jsonLineProcessor,
  jsonListProcessor,
  kplJsonProcessor,
  kplStringProcessor,
} from '../processors/namedProcessors.js';
export { stringSerializer } from '../processors/serializers/stringSerializer.js';
export {
  jsonSerializer,
  type JsonLargeIntegers,
  type JsonSerializerOptions,
  type JsonStyle,
} from '../processors/serializers/jsonSerializer.js';
export { bytesSerializer } from '../processors/serializers/bytesSerializer.js';
export { noneAggregator } from '../processors/aggregators/noneAggregator.js';
export { newlineAggregator } from '../processors/aggregators/newlineAggregator.js';
export { listAggregator } from '../processors/aggregators/listAggregator.js';
export { netstringAggregator } from '../processors/aggregators/netstringAggregator.js';
export { kplAggregator } from '../processors/aggregators/kplAggregator.js';
export { SerializationError } from '../processors/errors/SerializationError.js';
export { DeserializationError } from '../processors/errors/DeserializationError.js';
export { RecordTooLargeError } from '../processors/errors/RecordTooLargeError.js';
export { KinesisError } from '../kinesis/errors/KinesisError.js';
export { ThrottledError } from '../kinesis/errors/ThrottledError.js';
export { KinesisServiceError } from '../kinesis/errors/KinesisServiceError.js';
export { ConnectionError } from '../kinesis/errors/ConnectionError.js';
export { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
export { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';
export { StreamNotActiveError } from '../kinesis/errors/StreamNotActiveError.js';
export { AccessDeniedError } from '../kinesis/errors/AccessDeniedError.js';
export { KinesisValidationError } from '../kinesis/errors/KinesisValidationError.js';
export { KinesisRequestError } from '../kinesis/errors/KinesisRequestError.js';
export { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
export { AbortedError } from '../kinesis/errors/AbortedError.js';
export {
  type ToKinesisOptions,
  type FailurePolicy,
  type OverflowPolicy,
} from '../producer/ToKinesisOptions.js';
export type { ProducerOptions, FlushInfo } from '../producer/ProducerOptions.js';
export type { ProducerCloseOptions } from '../producer/ProducerCloseOptions.js';
export type {
  DeliveryReport,
  DeliveredReport,
  FailedReport,
  DroppedReport,
} from '../producer/DeliveryReport.js';
export type { ProducerMetricsSnapshot, ShardMetrics } from '../producer/ProducerMetrics.js';
export type { FailedItem } from '../producer/errors/FailedItem.js';
export { ItemSerializationError } from '../producer/errors/ItemSerializationError.js';
export { InvalidPartitionKeyError } from '../producer/errors/InvalidPartitionKeyError.js';
export { InvalidExplicitHashKeyError } from '../producer/errors/InvalidExplicitHashKeyError.js';
export { ItemTooLargeError } from '../producer/errors/ItemTooLargeError.js';
export { QueueFullError } from '../producer/errors/QueueFullError.js';
export { DeliveryFailedError } from '../producer/errors/DeliveryFailedError.js';
export { DeliveryRetryLimitError } from '../producer/errors/DeliveryRetryLimitError.js';
export { AfterFlushError } from '../producer/errors/AfterFlushError.js';
export { ProducerClosedError } from '../producer/errors/ProducerClosedError.js';
export { ProducerAbortedError } from '../producer/errors/ProducerAbortedError.js';
export {
  ProducerCloseTimeoutError,
  type CloseTimeoutCounts,
} from '../producer/errors/ProducerCloseTimeoutError.js';
export type { Logger, LogMethod } from '../logging/Logger.js';
