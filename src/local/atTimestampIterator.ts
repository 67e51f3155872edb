import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * A shard iterator AT_TIMESTAMP, found by reading the shard from TRIM_HORIZON: the iterator of the
 * first record that arrived at or after `timestampMs`, or, when there is none yet, an iterator
 * past the last record, which yields the records written later (as Kinesis does). The backing
 * store itself never answers AT_TIMESTAMP when no record qualifies.
 */
export async function atTimestampIterator(
  client: KinesisClient,
  streamName: string,
  shardId: string,
  timestampMs: number,
): Promise<string> {
  const iteratorOf = async (
    type: 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
    sequenceNumber?: string,
  ): Promise<string> => {
    const answer = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber === undefined ? {} : { StartingSequenceNumber: sequenceNumber }),
      }),
    );
    return answer.ShardIterator!;
  };
  let iterator = await iteratorOf('TRIM_HORIZON');
  for (;;) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const records = page.Records ?? [];
    const first = records.find(
      (record) => (record.ApproximateArrivalTimestamp?.getTime() ?? 0) >= timestampMs,
    );
    if (first !== undefined) return iteratorOf('AT_SEQUENCE_NUMBER', first.SequenceNumber);
    if (records.length === 0) return page.NextShardIterator ?? iterator;
    if (page.NextShardIterator === undefined || page.NextShardIterator === null) {
      return iteratorOf('AFTER_SEQUENCE_NUMBER', records[records.length - 1]!.SequenceNumber);
    }
    iterator = page.NextShardIterator;
  }
}
