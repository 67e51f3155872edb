/**
 * Kinesis Data Streams service limits the library plans around. Sizes are in bytes, rates per
 * second, durations in milliseconds. Where a stream can be raised above the default (record
 * size, PutRecords request size) both values are given and the default is what options assume.
 */

const MiB = 1024 * 1024;

/** Largest record (data + partition key) on a stream with default settings. */
export const MAX_RECORD_BYTES = 1 * MiB;
/** Largest record on a stream raised with UpdateMaxRecordSize. */
export const MAX_RAISED_RECORD_BYTES = 10 * MiB;

/** Most records in one PutRecords request. */
export const PUT_RECORDS_MAX_RECORDS = 500;
/** Largest PutRecords request (data + partition keys) on a stream with default settings. */
export const PUT_RECORDS_MAX_BYTES = 5 * MiB;
/** Largest PutRecords request on a stream whose record size was raised. */
export const PUT_RECORDS_MAX_RAISED_BYTES = 10 * MiB;

/** Writes per shard: bytes per second. */
export const SHARD_WRITE_BYTES_PER_SECOND = 1 * MiB;
/** Writes per shard: records per second. */
export const SHARD_WRITE_RECORDS_PER_SECOND = 1000;

/** GetRecords calls per shard per second (shared by every consumer of the shard). */
export const GET_RECORDS_CALLS_PER_SECOND = 5;
/** Most records one GetRecords call returns (also the largest `Limit`). */
export const GET_RECORDS_MAX_RECORDS = 10_000;
/** Most bytes one GetRecords call returns. */
export const GET_RECORDS_MAX_BYTES = 10 * MiB;
/** Sustained read throughput per shard for shared (polling) consumers. */
export const SHARD_READ_BYTES_PER_SECOND = 2 * MiB;
/** A shard iterator expires this long after GetShardIterator returned it. */
export const SHARD_ITERATOR_TTL_MS = 5 * 60 * 1000;

/** Enhanced fan-out: read throughput per shard per registered consumer. */
export const SUBSCRIBE_TO_SHARD_BYTES_PER_SECOND = 2 * MiB;
/** Enhanced fan-out: a SubscribeToShard subscription lasts this long. */
export const SUBSCRIBE_TO_SHARD_TTL_MS = 5 * 60 * 1000;

/** Partition key length in Unicode characters. */
export const MIN_PARTITION_KEY_CHARS = 1;
export const MAX_PARTITION_KEY_CHARS = 256;

/** Stream name length. */
export const MAX_STREAM_NAME_LENGTH = 128;

/** ListShards page size: default and largest allowed `MaxResults`. */
export const LIST_SHARDS_DEFAULT_PAGE_SIZE = 1000;
export const LIST_SHARDS_MAX_PAGE_SIZE = 10_000;

/** Largest ShardCount `ensureStream` accepts when creating a provisioned stream. */
export const MAX_CREATE_SHARD_COUNT = 10_000;

/** Control-plane quotas, per account: DescribeStreamSummary and DescribeStream calls per second. */
export const DESCRIBE_STREAM_SUMMARY_CALLS_PER_SECOND = 20;
export const DESCRIBE_STREAM_CALLS_PER_SECOND = 10;
