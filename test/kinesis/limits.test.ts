import * as limits from '../../src/kinesis/limits.js';

describe('Kinesis limits', () => {
  it('match the documented service limits', () => {
    const MiB = 1_048_576;
    expect(limits.MAX_RECORD_BYTES).toBe(MiB);
    expect(limits.MAX_RAISED_RECORD_BYTES).toBe(10 * MiB);
    expect(limits.PUT_RECORDS_MAX_RECORDS).toBe(500);
    expect(limits.PUT_RECORDS_MAX_BYTES).toBe(5 * MiB);
    expect(limits.SHARD_WRITE_BYTES_PER_SECOND).toBe(MiB);
    expect(limits.SHARD_WRITE_RECORDS_PER_SECOND).toBe(1000);
    expect(limits.GET_RECORDS_CALLS_PER_SECOND).toBe(5);
    expect(limits.GET_RECORDS_MAX_RECORDS).toBe(10_000);
    expect(limits.GET_RECORDS_MAX_BYTES).toBe(10 * MiB);
    expect(limits.SHARD_READ_BYTES_PER_SECOND).toBe(2 * MiB);
    expect(limits.SHARD_ITERATOR_TTL_MS).toBe(300_000);
    expect(limits.MAX_PARTITION_KEY_CHARS).toBe(256);
    expect(limits.LIST_SHARDS_DEFAULT_PAGE_SIZE).toBe(1000);
  });
});
