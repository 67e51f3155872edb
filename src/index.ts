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
