export {
  RxjsKinesisError,
  type ErrorContext,
  type RxjsKinesisErrorOptions,
} from './errors/RxjsKinesisError.js';
export { InvalidOptionError } from './errors/InvalidOptionError.js';
export {
  createKinesisClient,
  type KinesisConnectionOptions,
  type KinesisCredentials,
} from './kinesis/createKinesisClient.js';
export {
  MAX_HASH_KEY,
  partitionKeyToHashKey,
  validatePartitionKey,
  parseExplicitHashKey,
  recordHashKey,
} from './kinesis/hashKey.js';
export { ShardMap, type ShardRange, type ShardDescription } from './kinesis/ShardMap.js';
export type { Serializer } from './processors/Serializer.js';
export type {
  Aggregator,
  AggregatorEntry,
  AggregatedRecord,
  RecordAccumulator,
  RecordToDeaggregate,
  DeaggregatedItem,
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
} from './checkpointers/Checkpointer.js';
export {
  MemoryCheckpointer,
  type MemoryCheckpointerOptions,
  type CheckpointSnapshotEntry,
} from './checkpointers/MemoryCheckpointer.js';
export { comparePositions } from './checkpointers/comparePositions.js';
export {
  validateCheckpointPosition,
  validateSequenceNumber,
} from './checkpointers/validateCheckpointPosition.js';
export { LeaseLostError, type LeaseLostErrorOptions } from './checkpointers/errors/LeaseLostError.js';
export { CheckpointerClosedError } from './checkpointers/errors/CheckpointerClosedError.js';
export {
  parseStreamAddress,
  streamParams,
  isValidStreamName,
  type StreamAddress,
  type StreamParams,
} from './kinesis/streamAddress.js';
export { ensureStream, type EnsureStreamOptions, type StreamSummary } from './kinesis/ensureStream.js';
export { listShards, type ListShardsOptions } from './kinesis/listShards.js';
export { classifyError, isRetriable } from './kinesis/classifyError.js';
export { Backoff, backoffDelay, type BackoffOptions } from './kinesis/backoff.js';
export { retry, type RetryOptions } from './kinesis/retry.js';
export {
  MAX_RECORD_BYTES,
  PUT_RECORDS_MAX_RECORDS,
  PUT_RECORDS_MAX_BYTES,
  SHARD_WRITE_BYTES_PER_SECOND,
  SHARD_WRITE_RECORDS_PER_SECOND,
  GET_RECORDS_CALLS_PER_SECOND,
  GET_RECORDS_MAX_RECORDS,
} from './kinesis/limits.js';
export { KinesisError, type KinesisErrorOptions } from './kinesis/errors/KinesisError.js';
export { ThrottledError } from './kinesis/errors/ThrottledError.js';
export { KinesisServiceError } from './kinesis/errors/KinesisServiceError.js';
export { ConnectionError } from './kinesis/errors/ConnectionError.js';
export { ExpiredIteratorError } from './kinesis/errors/ExpiredIteratorError.js';
export { StreamNotFoundError } from './kinesis/errors/StreamNotFoundError.js';
export { StreamNotActiveError } from './kinesis/errors/StreamNotActiveError.js';
export { AccessDeniedError } from './kinesis/errors/AccessDeniedError.js';
export { KinesisValidationError } from './kinesis/errors/KinesisValidationError.js';
export { KinesisRequestError } from './kinesis/errors/KinesisRequestError.js';
export { RetryLimitExceededError } from './kinesis/errors/RetryLimitExceededError.js';
export { AbortedError } from './kinesis/errors/AbortedError.js';
