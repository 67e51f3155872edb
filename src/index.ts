export { RxjsKinesisError, type ErrorContext } from './errors/RxjsKinesisError.js';
export { InvalidOptionError } from './errors/InvalidOptionError.js';
export { MissingPeerDependencyError } from './errors/MissingPeerDependencyError.js';
export {
  createKinesisClient,
  type KinesisConnectionOptions,
  type KinesisCredentials,
  type KinesisCredentialsProvider,
} from './kinesis/createKinesisClient.js';
export type { Serializer, SerializerText, TextTraits } from './processors/Serializer.js';
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
} from './processors/Aggregator.js';
export { createProcessor, type Processor } from './processors/Processor.js';
export type { KinesisRecord } from './consumer/KinesisRecord.js';
export type { KinesisItem } from './consumer/KinesisItem.js';
export type {
  Checkpointer,
  CheckpointPosition,
  ShardCheckpoint,
  Lease,
  LeaseInfo,
  ShardLineage,
  ShardHashKeyRange,
} from './checkpointers/Checkpointer.js';
export {
  MemoryCheckpointer,
  type MemoryCheckpointerOptions,
  type CheckpointSnapshotEntry,
} from './checkpointers/MemoryCheckpointer.js';
export { comparePositions } from './checkpointers/comparePositions.js';
export { LeaseLostError, type LeaseLostErrorOptions } from './checkpointers/errors/LeaseLostError.js';
export { CheckpointerClosedError } from './checkpointers/errors/CheckpointerClosedError.js';
export { KinesisError } from './kinesis/errors/KinesisError.js';
export { ThrottledError } from './kinesis/errors/ThrottledError.js';
export { KinesisServiceError } from './kinesis/errors/KinesisServiceError.js';
export { ConnectionError } from './kinesis/errors/ConnectionError.js';
export { RequestTimeoutError } from './kinesis/errors/RequestTimeoutError.js';
export { ExpiredIteratorError } from './kinesis/errors/ExpiredIteratorError.js';
export { StreamNotFoundError } from './kinesis/errors/StreamNotFoundError.js';
export { StreamNotActiveError } from './kinesis/errors/StreamNotActiveError.js';
export { AccessDeniedError } from './kinesis/errors/AccessDeniedError.js';
export { KinesisValidationError } from './kinesis/errors/KinesisValidationError.js';
export { KinesisRequestError } from './kinesis/errors/KinesisRequestError.js';
export { RetryLimitExceededError } from './kinesis/errors/RetryLimitExceededError.js';
export { AbortedError } from './kinesis/errors/AbortedError.js';
export {
  stringProcessor,
  jsonProcessor,
  jsonLineProcessor,
  jsonListProcessor,
  msgpackProcessor,
  kplJsonProcessor,
  kplStringProcessor,
  kplMsgpackProcessor,
} from './processors/namedProcessors.js';
export { stringSerializer } from './processors/serializers/stringSerializer.js';
export {
  jsonSerializer,
  type JsonLargeIntegers,
  type JsonSerializerOptions,
  type JsonStyle,
} from './processors/serializers/jsonSerializer.js';
export { msgpackSerializer } from './processors/serializers/msgpackSerializer.js';
export type { MsgpackSerializerOptions } from './processors/serializers/MsgpackSerializerOptions.js';
export { bytesSerializer } from './processors/serializers/bytesSerializer.js';
export { noneAggregator } from './processors/aggregators/noneAggregator.js';
export { newlineAggregator } from './processors/aggregators/newlineAggregator.js';
export { listAggregator } from './processors/aggregators/listAggregator.js';
export { netstringAggregator } from './processors/aggregators/netstringAggregator.js';
export { kplAggregator } from './processors/aggregators/kplAggregator.js';
export { SerializationError } from './processors/errors/SerializationError.js';
export { DeserializationError } from './processors/errors/DeserializationError.js';
export { RecordTooLargeError } from './processors/errors/RecordTooLargeError.js';
export { DeaggregationError } from './processors/errors/DeaggregationError.js';
export { MalformedNetstringError } from './processors/errors/MalformedNetstringError.js';
export { MalformedJsonListError } from './processors/errors/MalformedJsonListError.js';
export { KplChecksumError } from './processors/errors/KplChecksumError.js';
export { KplDecodeError } from './processors/errors/KplDecodeError.js';
export { RecordDecodeError } from './processors/errors/RecordDecodeError.js';
export { deserialize, type DeserializeOptions } from './operators/deserialize.js';
export { RedisCheckpointer } from './checkpointers/redis/RedisCheckpointer.js';
export type { RedisCheckpointerOptions } from './checkpointers/redis/RedisCheckpointerOptions.js';
export type { RedisClient } from './checkpointers/redis/RedisClient.js';
export { RedisUnavailableError } from './checkpointers/redis/errors/RedisUnavailableError.js';
export { RedisCommandError } from './checkpointers/redis/errors/RedisCommandError.js';
export { RedisTlsError } from './checkpointers/redis/errors/RedisTlsError.js';
export { RedisReplicaError } from './checkpointers/redis/errors/RedisReplicaError.js';
export { RedisClientClosedError } from './checkpointers/redis/errors/RedisClientClosedError.js';
export { DynamoDBCheckpointer } from './checkpointers/dynamodb/DynamoDBCheckpointer.js';
export type { DynamoDBCheckpointerOptions } from './checkpointers/dynamodb/DynamoDBCheckpointerOptions.js';
export { DynamoDBRequestError } from './checkpointers/dynamodb/errors/DynamoDBRequestError.js';
export { LeaseTableKeyError } from './checkpointers/dynamodb/errors/LeaseTableKeyError.js';
export { LeaseTableMissingError } from './checkpointers/dynamodb/errors/LeaseTableMissingError.js';
export type { LeaseTableMissingDetails } from './checkpointers/dynamodb/errors/LeaseTableMissingError.js';
export { LeaseTableNotActiveError } from './checkpointers/dynamodb/errors/LeaseTableNotActiveError.js';
export { LeaseTablePermissionError } from './checkpointers/dynamodb/errors/LeaseTablePermissionError.js';
export { LeaseTableQuotaError } from './checkpointers/dynamodb/errors/LeaseTableQuotaError.js';
export { DEFAULT_CHECKPOINTER_NAME, type CheckpointerInput } from './checkpointers/toCheckpointer.js';
export {
  type LeaseCoordinator,
  type HandoffRequest,
  type HandoffRequestResult,
  type HeartbeatOptions,
  type LeaseState,
  type LeaseSnapshot,
  type ReleaseLeaseOptions,
  type WorkerCap,
} from './checkpointers/LeaseCoordinator.js';
export type { ReleaseLeaseResult } from './checkpointers/ReleaseLeaseResult.js';
export { toKinesis } from './operators/toKinesis.js';
export {
  type ToKinesisOptions,
  type FailurePolicy,
  type OverflowPolicy,
} from './producer/ToKinesisOptions.js';
export { Producer } from './producer/Producer.js';
export type { ProducerOptions, FlushInfo } from './producer/ProducerOptions.js';
export type { ProducerCloseOptions } from './producer/ProducerCloseOptions.js';
export type {
  DeliveryReport,
  DeliveredReport,
  FailedReport,
  DroppedReport,
} from './producer/DeliveryReport.js';
export type { ProducerMetricsSnapshot, ShardMetrics } from './producer/ProducerMetrics.js';
export type { FailedItem } from './producer/errors/FailedItem.js';
export { ItemSerializationError } from './producer/errors/ItemSerializationError.js';
export { InvalidPartitionKeyError } from './producer/errors/InvalidPartitionKeyError.js';
export { InvalidExplicitHashKeyError } from './producer/errors/InvalidExplicitHashKeyError.js';
export { ItemTooLargeError } from './producer/errors/ItemTooLargeError.js';
export { QueueFullError } from './producer/errors/QueueFullError.js';
export { DeliveryFailedError } from './producer/errors/DeliveryFailedError.js';
export { DeliveryRetryLimitError } from './producer/errors/DeliveryRetryLimitError.js';
export { AfterFlushError } from './producer/errors/AfterFlushError.js';
export { ProducerClosedError } from './producer/errors/ProducerClosedError.js';
export { ProducerAbortedError } from './producer/errors/ProducerAbortedError.js';
export {
  ProducerCloseTimeoutError,
  type CloseTimeoutCounts,
} from './producer/errors/ProducerCloseTimeoutError.js';
export { fromKinesis, type KinesisConsumerObservable } from './observables/fromKinesis.js';
export { checkpoint, type CheckpointOptions, type Checkpointable } from './operators/checkpoint.js';
export { checkpointFilter } from './operators/checkpointFilter.js';
export type { ConsumerOptions, ConsumerIteratorType } from './consumer/ConsumerOptions.js';
export type { ConsumerEvent, ConsumerEventType, ShardStartPosition } from './consumer/ConsumerEvent.js';
export type { Logger, LogMethod } from './logging/Logger.js';
export type { ConsumerStats, ShardStats, ShardReadState } from './consumer/ConsumerStats.js';
export { CheckpointerConflictError } from './consumer/errors/CheckpointerConflictError.js';
export { NotAConsumerRecordError } from './consumer/errors/NotAConsumerRecordError.js';
export { NotAKinesisRecordError } from './consumer/errors/NotAKinesisRecordError.js';
export { UntrackedRecordError } from './consumer/errors/UntrackedRecordError.js';
export { MulticastCheckpointError } from './consumer/errors/MulticastCheckpointError.js';
export { OutOfOrderCheckpointError } from './consumer/errors/OutOfOrderCheckpointError.js';
export { SplitRecordCheckpointError } from './consumer/errors/SplitRecordCheckpointError.js';
export { CheckpointerUnavailableError } from './consumer/errors/CheckpointerUnavailableError.js';
export { CheckpointerMisconfiguredError } from './consumer/errors/CheckpointerMisconfiguredError.js';
export type { EnhancedFanOutOptions, EnhancedFanOutConsumer } from './consumer/EnhancedFanOutOptions.js';
export { createSubscriptionClient } from './kinesis/createSubscriptionClient.js';
export { StreamConsumerNotActiveError } from './consumer/errors/StreamConsumerNotActiveError.js';
export { StreamConsumerLimitError } from './consumer/errors/StreamConsumerLimitError.js';
export { StreamRecreatedError } from './consumer/errors/StreamRecreatedError.js';
export { SubscriptionInUseError } from './consumer/errors/SubscriptionInUseError.js';
export { SubscriptionSilentError } from './consumer/errors/SubscriptionSilentError.js';
export { SubscriptionTakenOverError } from './consumer/errors/SubscriptionTakenOverError.js';
